"""The stages of the pipeline, one module each: clean -> split -> summarise (the summary methods: abstractive, extractive, lead) -> translate; and where a summary draws from."""
