"""Reading articles: UTF-8 text and its checks, documents (web pages, .docx, .pdf, web addresses), fetching an address, and the cage untrusted documents are parsed in."""
