() => {
  // The page's behaviour in the browser (Gradio runs this function once, when the page loads).
  // Listeners are on the document, so they keep working when Gradio re-renders a component.
  const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  const STRONG = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  const UPLOAD_TYPES = __UPLOAD_TYPES__;
  const OVER_LIMIT = __OVER_LIMIT__;
  const MAX_UPLOAD_BYTES = __MAX_UPLOAD_BYTES__;  // Gradio refuses a larger file itself, and loads nothing
  const byId = (id) => document.getElementById(id);

  // A live region of the page's own, outside Gradio's components: the stage a summary is at, said
  // once per stage (Gradio's ticking timer, inside the status, is hidden from screen readers).
  const live = document.createElement("div");
  live.id = "stage-live";
  live.className = "sr-only";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  document.body.appendChild(live);
  const say = (text) => { if (live.textContent !== text) live.textContent = text; };
  // An outcome in one short sentence (150 characters at most): the first line of a message, cut at a word.
  const SAY_MAX = 150;
  const short = (text) => {
    let t = (text || "").replace(/See the results ↓/g, "").replace(/\s+/g, " ").trim();
    if (t.length <= SAY_MAX) return t;
    t = t.slice(0, SAY_MAX - 1);
    return t.slice(0, Math.max(t.lastIndexOf(" "), SAY_MAX / 2)).replace(/[\s,.:;]+$/, "") + "…";
  };
  const firstLine = (el) => {  // textContent: no layout forced (mark() runs after every change of the page)
    const p = el && el.querySelector("p, li");
    return p ? p.textContent : (el ? el.textContent : "");
  };

  // 1. Language, direction, names and live regions that Gradio's components cannot be given from Python.
  // The stages said during the running summary: the summary and the translation run side by side and
  // report in turns, so a stage can come back after another; each is said once a run.
  const saidStages = new Set();
  let exampleFrom = null, exampleButton = null;
  let running = false, wasDisabled = false, inputAction = false, staleBeforeRun = false, focusRun = false;
  const said = { status: "", "input-status": "" };
  const mark = () => {
    document.querySelectorAll(".arabic textarea").forEach((el) => {
      if (el.closest("#article")) return;  // the article box follows its text (direction() below)
      if (el.lang !== "ar") { el.lang = "ar"; el.dir = "rtl"; }
    });
    const box = document.querySelector("#article textarea");
    if (box && !box.dataset.dirSet) { box.dataset.dirSet = "1"; direction(box); }
    document.querySelectorAll("#examples button").forEach((el) => {
      if (el.lang !== "ar") { el.lang = "ar"; el.dir = "rtl"; }
    });
    for (const id of ["status", "input-status", "progress"]) {
      const el = byId(id);
      if (!el) continue;
      if (el.getAttribute("tabindex") !== "-1") el.setAttribute("tabindex", "-1");  // focus goes there after an error
      // Gradio's progress (a timer ticking ten times a second) is not for screen readers: the stage
      // is said in #stage-live instead, and so is the outcome, in one short sentence.
      el.querySelectorAll('[data-testid="status-tracker"]').forEach((t) => {
        if (t.getAttribute("aria-hidden") !== "true") t.setAttribute("aria-hidden", "true");
      });
      if (id === "progress") continue;
      const empty = !el.textContent.trim();
      if (el.classList.contains("is-empty") !== empty) el.classList.toggle("is-empty", empty);
      const text = el.querySelector('[data-testid="status-tracker"]:not(.hide)') ? said[id] : short(firstLine(el));
      if (text !== said[id]) {
        said[id] = text;
        if (text) say(text);
        if (id === "input-status") inputDone(el);
      }
    }
    // Gradio's own announcer says raw keys ("common.complete") after each event: ours says the outcome.
    document.querySelectorAll('.sr-only[role="status"]:not(#stage-live)').forEach((el) => {
      el.removeAttribute("role");
      el.setAttribute("aria-live", "off");
    });
    const tracker = document.querySelector('#progress [data-testid="status-tracker"]');
    const bar = tracker && !tracker.classList.contains("hide") ? tracker.querySelector('[role="progressbar"]') : null;
    if (bar) {
      const stage = (bar.getAttribute("aria-label") || "").replace(/\s*\(\d+\/\d+\)\s*$/, "").trim();
      if (stage && !saidStages.has(stage)) { saidStages.add(stage); say(stage + "…"); }
    } else if (saidStages.size) {
      saidStages.clear();
    }
    // Real radio groups: Gradio names each option on its own (radio-1, radio-2...), so the arrow keys
    // did not move within a group; one name per group.
    document.querySelectorAll('input[type="radio"]').forEach((input) => {
      const group = input.closest(".block");
      if (!group) return;
      if (!group.id) group.id = "radio-group-" + Math.random().toString(36).slice(2, 8);
      const name = group.id + "-choice";
      if (input.name !== name) input.name = name;
    });
    const file = document.querySelector("#url-row input[type=file]");
    if (file && file.accept !== UPLOAD_TYPES) file.accept = UPLOAD_TYPES;
    // The JSON viewer: Arabic strings in Arabic (the page is lang="en").
    document.querySelectorAll("#result-json .json-node *").forEach((el) => {
      if (el.childElementCount === 0 && !el.lang && ARABIC.test(el.textContent || "")) {
        el.lang = "ar";
        el.dir = "auto";
      }
    });
    // Gradio's empty JSON viewer: an icon labelled "Empty value" on a plain div (aria-prohibited-attr).
    document.querySelectorAll("div.empty[aria-label]:not([role])").forEach((el) => el.setAttribute("role", "img"));
    // The table of sentences has one Tab stop (a roving tabindex); a new table starts at its first cell.
    const table = document.querySelector("#aligned table.aligned");
    if (table && !table.querySelector('td[tabindex="0"]')) {
      const first = table.querySelector("td[data-i]");
      if (first) first.tabIndex = 0;
    }
    // A note says what a summary is: no summary (a new article came in), no note. (Gradio keeps a
    // label's info when an update sets it to None.)
    // A summary without words for a reason (no translation model) keeps its note: it says why.
    const empty = ["summary-ar", "summary-en"].every((id) => !byId(id)?.querySelector("textarea")?.value);
    for (const id of ["summary-ar", "summary-en"]) byId(id)?.classList.toggle("no-summary", empty);
    // Results cleared (a new article was loaded): nothing is stale any more.
    const r = byId("results");
    const hasResult = !!(r && r.querySelector("table.aligned"));
    if (r && r.classList.contains("stale") && !hasResult) r.classList.remove("stale");
    if (r && r.classList.contains("has-result") !== hasResult) r.classList.toggle("has-result", hasResult);
    // Copy buttons, one per English sentence (mouse and touch; from the keyboard, C on a sentence).
    if (hasResult) {
      r.querySelectorAll("#aligned td.en[data-i]:not(:has(> .copy-one))").forEach((td) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "copy-one";
        b.tabIndex = -1;
        b.textContent = "Copy";
        b.setAttribute("aria-label", `Copy sentence ${td.dataset.i}'s English`);
        td.prepend(b);
      });
    }
    // An example was clicked and its text came in: its first lines in view (the action bar always is).
    // (On a desktop the list is under the article's pane: the example clicked stays in view, and the
    // action bar with it, as the box grows.)
    if (exampleFrom !== null && box && box.value !== exampleFrom) {
      exampleFrom = null;
      const settleView = () => {
        box.scrollTop = 0;
        if (matchMedia("(max-width: 1023px)").matches) {
          if (box.getBoundingClientRect().top < 0) box.scrollIntoView({ block: "start", behavior: "instant" });
        } else if (exampleButton && exampleButton.isConnected) {
          const above = byId("summarize")?.getBoundingClientRect().top ?? 0;  // Summarise first, then the example
          if (above < 0) window.scrollBy({ top: above - 8, behavior: "instant" });
          const below = exampleButton.getBoundingClientRect().bottom - window.innerHeight;
          if (below > 0) window.scrollBy({ top: below + 8, behavior: "instant" });
        }
      };
      settleView();
      setTimeout(settleView, 150);  // after Gradio has sized the box to its new text
    }
    settle();
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; mark(); });
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true, characterData: true,
                                                      attributes: true, attributeFilter: ["disabled", "class", "aria-label"] });

  // 2. A sentence and its counterpart light up together (Arabic <-> English, and the summary's
  //    sources): on hover, and on focus (keyboard, or a tap on a phone).
  const light = (event, on) => {
    const el = event.target instanceof Element ? event.target.closest("[data-i]") : null;
    const view = el && el.closest(".aligned-view");
    if (!view) return;
    view.querySelectorAll(`[data-i="${el.dataset.i}"]`).forEach((x) => x.classList.toggle("hl", on));
  };
  document.addEventListener("mouseover", (e) => light(e, true));
  document.addEventListener("mouseout", (e) => light(e, false));
  document.addEventListener("focusin", (e) => light(e, true));
  document.addEventListener("focusout", (e) => light(e, false));

  // 3. The table's cells: one Tab stop, the arrow keys inside (up/down: the next sentence in the same
  //    language; left/right: the sentence's other language; Home/End: the first/last sentence).
  document.addEventListener("focusin", (e) => {
    const cell = e.target instanceof Element ? e.target.closest("table.aligned td[data-i]") : null;
    if (!cell) return;
    cell.closest("table").querySelectorAll('td[tabindex="0"]').forEach((c) => { if (c !== cell) c.tabIndex = -1; });
    cell.tabIndex = 0;
  });
  document.addEventListener("keydown", (e) => {
    const cell = e.target instanceof Element ? e.target.closest("table.aligned td[data-i]") : null;
    if (!cell || e.altKey || e.ctrlKey || e.metaKey) return;
    const rows = [...cell.closest("tbody").rows];
    const row = cell.closest("tr");
    const cells = (tr) => [...tr.querySelectorAll("td[data-i]")];
    const column = cells(row).indexOf(cell);
    let target = null;
    const at = (tr, col) => { const cs = tr ? cells(tr) : []; return cs[Math.min(col, cs.length - 1)] || null; };
    if (e.key === "ArrowDown") target = at(rows[rows.indexOf(row) + 1], column);
    else if (e.key === "ArrowUp") target = at(rows[rows.indexOf(row) - 1], column);
    else if (e.key === "ArrowRight") target = cells(row)[column + 1] || null;
    else if (e.key === "ArrowLeft") target = cells(row)[column - 1] || null;
    else if (e.key === "Home") target = at(rows[0], column);
    else if (e.key === "End") target = at(rows[rows.length - 1], column);
    else return;
    e.preventDefault();
    if (target) target.focus();
  });

  // 4. Results made from another text or other options say so: typing in the article, or changing an
  //    option, after a summary marks them.
  const results = () => byId("results");
  const markStale = () => {
    const r = results();
    if (r && r.querySelector("table.aligned")) r.classList.add("stale");
    updateLink();
  };
  // An error about the text that was there (not Arabic, too long, a file that could not be read) no
  // longer applies once the article is edited: it is put away until the next action shows a message.
  const putAwayErrors = () => {
    for (const id of ["status", "input-status"]) {
      const el = byId(id);
      if (el && el.querySelector(".msg-error")) el.classList.add("outdated");
    }
  };
  const bringBackMessages = () => ["status", "input-status"].forEach((id) => byId(id)?.classList.remove("outdated"));
  document.addEventListener("change", (e) => {
    if (e.target instanceof Element && e.target.matches("input[type=file]")) bringBackMessages();
  });
  const runOn = () => !!(byId("summarize")?.disabled && byId("stop"));
  const edited = (box) => {
    // A summary of the text that was there is running: stopped at once (nothing of it will be shown),
    // without taking the focus from the box.
    if (runOn()) { running = false; staleBeforeRun = true; byId("stop").click(); }
    putAwayErrors();
    markStale();
    const now = performance.now(), burst = now - typedAt < 400;  // typing on, or a first key / a paste
    typedAt = now;
    counted(box.value, null, burst);
  };
  // 4b. Typing in the article: each key changes the box, the counter, the out-of-date mark (and stops a
  //     running summary) at once, but Gradio's own work on the box's value (its copy of the value, its
  //     events) waits until the typing pauses: in a long article of paragraphs, about half of a key's
  //     time. Gradio's value is brought up to date (flushArticle) before anything can read it: a pointer
  //     pressed anywhere but in the box, a click, Ctrl+Enter, the box losing the focus. While a summary
  //     runs, an edit reaches Gradio at once (the run's last steps compare the result with the article).
  const TYPING_PAUSE_MS = 250;
  let articleTimer = null, flushing = null;
  const flushArticle = () => {
    if (articleTimer === null) return;
    clearTimeout(articleTimer);
    articleTimer = null;
    const box = document.querySelector("#article textarea");
    if (!box) return;
    flushing = new Event("input", { bubbles: true });  // Gradio reads the box's value on its input event
    try { box.dispatchEvent(flushing); } finally { flushing = null; }
  };
  window.addEventListener("input", (e) => {
    if (!e.isTrusted || !(e.target instanceof HTMLTextAreaElement) || !e.target.closest("#article")) return;
    if (runOn()) { clearTimeout(articleTimer); articleTimer = null; return; }  // on to Gradio and the listener below
    e.stopImmediatePropagation();
    edited(e.target);
    clearTimeout(articleTimer);
    articleTimer = setTimeout(flushArticle, TYPING_PAUSE_MS);
  }, true);
  window.addEventListener("pointerdown", (e) => {
    if (!(e.target instanceof Element && e.target.closest("#article textarea"))) flushArticle();
  }, true);
  window.addEventListener("click", flushArticle, true);  // also a click from a script (no pointer)
  window.addEventListener("blur", (e) => {
    if (e.target instanceof Element && e.target.closest("#article textarea")) flushArticle();
  }, true);
  document.addEventListener("input", (e) => {
    if (e === flushing || !(e.target instanceof Element) || !e.target.closest("#article")) return;
    edited(e.target);
  });

  // 5. The character counter, counted here a moment after the typing (or a paste) stops, and the
  //    article box's direction: right to left, unless the text starts in a left-to-right script.
  let countTimer = null, limit = null, wasOver = false, typedAt = -1e9;
  const direction = (el) => {
    const first = (el.value || "").match(STRONG);
    const dir = first && !ARABIC.test(first[0]) && !/[\u0590-\u05FF]/.test(first[0]) ? "ltr" : "rtl";
    if (el.dir !== dir) el.dir = dir;
    const lang = dir === "rtl" ? "ar" : "";
    if (el.getAttribute("lang") !== lang) lang ? el.setAttribute("lang", lang) : el.removeAttribute("lang");
  };
  const showCount = (text) => {
    const counter = byId("char-count");
    const p = counter && counter.querySelector(".char-count");
    const max = limit;
    if (!p || !max) return;
    const n = (text || "").length, f = (x) => x.toLocaleString("en-US");
    const over = n > max;
    p.classList.toggle("over", over);
    const shown = `${f(n)} / ${f(max)} characters` + (over ? `: ${OVER_LIMIT}` : "");
    if (p.textContent !== shown) p.textContent = shown;  // the same count again (Gradio's, after the typing): no change
    if (over !== wasOver) {
      wasOver = over;
      if (over) say(p.textContent);
    }
    const box = document.querySelector("#article textarea");
    if (box) direction(box);
  };
  const counted = (text, max, burst) => {
    if (max) limit = max;
    clearTimeout(countTimer);
    // While typing goes on: once it pauses. A paste, a first key, a text set by the page: at once.
    if (burst ?? performance.now() - typedAt < 400) countTimer = setTimeout(() => showCount(text), 150);
    else showCount(text);
  };

  // 6. Ctrl+Enter (Cmd+Enter) in the article box summarises; after a summary, focus goes to the
  //    results (or to the status, for an error), so that what was asked for is in view.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    if (!(e.target instanceof Element) || !e.target.closest("#article")) return;
    const button = byId("summarize");
    if (button && !button.disabled) { e.preventDefault(); flushArticle(); button.click(); }
  });
  document.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("#summarize, #fetch, #upload-button, #examples, #clear")) {
      bringBackMessages();  // a new message (or the same one again) is about to come: shown
    }
    if (e.target instanceof Element && e.target.closest("#examples button")) {
      exampleFrom = document.querySelector("#article textarea")?.value ?? "";
      exampleButton = e.target.closest("#examples button");
    }
    if (e.target instanceof Element && e.target.closest("#fetch, #upload-button")) inputAction = true;
    if (e.target instanceof Element && e.target.closest("#summarize, #stop")) said.status = "";  // said again
    if (e.target instanceof Element && e.target.closest("#fetch, #upload-button, #examples")) said["input-status"] = "";
    if (e.target instanceof Element && e.target.closest("#summarize")) {
      staleBeforeRun = !!results()?.classList.contains("stale");
      results()?.classList.remove("stale");
      running = true;
    }
    if (e.target instanceof Element && e.target.closest("#stop")) {
      // The results on screen stay as they were (out of date, if they were); focus back on Summarise.
      if (staleBeforeRun) markStale();
      if (running) { running = false; focusRun = true; }
    }
    const copy = e.target instanceof Element ? e.target.closest(".copy-one") : null;
    if (copy) copySentence(copy.closest("td[data-i]"));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target instanceof Element && e.target.closest("#url")) inputAction = true;
    const cell = e.target instanceof Element ? e.target.closest("table.aligned td.en[data-i]") : null;
    if (cell && (e.key === "c" || e.key === "C") && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      copySentence(cell);
    }
  });
  document.addEventListener("change", (e) => {
    if (e.target instanceof Element && e.target.matches("#url-row input[type=file]")) inputAction = true;
  });

  // 6a. An article on its way (an example, a fetched page, an upload): a press of Summarise meanwhile is
  //     meant for that article. Gradio would run it on the box as it is (empty, or the text before) and
  //     the arriving article would then cancel it, so the press is held and made once the article is in
  //     (each load's last step calls articleLoaded with its source and whether it loaded anything). A
  //     load that failed drops the press (its message says why); one that never reports back (an upload
  //     the browser refused) holds it no longer than a minute, and it is made then.
  const LOAD_PATIENCE_MS = 60000;
  const loads = new Map();  // source (example, fetch, url, upload) -> when its load started
  let pressHeld = false, heldTimer = null;
  const loading = () => {
    const now = performance.now();
    for (const [source, since] of loads) if (now - since >= LOAD_PATIENCE_MS) loads.delete(source);
    return loads.size > 0;
  };
  const loadStarted = (source) => { loads.set(source, performance.now()); };
  const dropHeld = () => { pressHeld = false; clearTimeout(heldTimer); heldTimer = null; };
  const release = () => {  // the held press, made once nothing is loading any more
    clearTimeout(heldTimer);
    heldTimer = null;
    if (!pressHeld) return;
    if (loading()) {  // woken by the first load to run out of patience: wait for the next
      heldTimer = setTimeout(release, LOAD_PATIENCE_MS - (performance.now() - Math.min(...loads.values())) + 50);
      return;
    }
    pressHeld = false;
    byId("summarize")?.click();
  };
  const articleLoaded = (source, loaded) => {
    loads.delete(source);
    if (loaded) release();
    else dropHeld();
  };
  document.addEventListener("click", (e) => {
    if (!(e.target instanceof Element)) return;
    if (e.target.closest("#clear")) { loads.clear(); dropHeld(); return; }
    if (e.target.closest("#examples button")) loadStarted("example");
    else if (e.target.closest("#fetch")) loadStarted("fetch");
    else if (e.target.closest("#summarize")) {
      if (!loading()) { dropHeld(); return; }  // this press goes through: none is held any more
      e.preventDefault();
      e.stopImmediatePropagation();  // in the capture phase: Gradio's own handler never sees this press
      pressHeld = true;
      if (!heldTimer) release();  // arms the timer
      say("The article is loading: Summarise starts once it is in.");
    }
  }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target instanceof Element && e.target.closest("#url")) {
      loadStarted("url");
    }
  }, true);
  document.addEventListener("change", (e) => {
    const input = e.target instanceof Element && e.target.matches("#url-row input[type=file]") ? e.target : null;
    if (input && [...input.files].some((f) => f.size <= MAX_UPLOAD_BYTES)) loadStarted("upload");
  }, true);

  // 6b. Copy: one sentence's English, or the whole English (one line per Arabic sentence).
  // A sentence's English as the table shows it, without the marks and notes around it.
  const sentenceText = (td) => {
    const copy = td.cloneNode(true);
    copy.querySelectorAll(".copy-one, .unsure-mark, .unsure-text, .finding-mark, .repair-text").forEach((x) => x.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };
  const english = () => [...document.querySelectorAll("#aligned td.en[data-i]")].map(sentenceText);
  const copyText = (text, what) => {
    const done = () => say(`Copied ${what}.`);
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, () => say("Could not copy."));
    else {  // a page served over plain http to another machine: the old way
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
  };
  function copySentence(cell) {
    if (!cell) return;
    const i = Number(cell.dataset.i);
    copyText(sentenceText(cell), `sentence ${i}'s English`);
  }
  const copyEnglish = () => {
    const lines = english();
    if (lines.join("").trim()) copyText(lines.join("\n"), "the whole English");
    else say("There is no English to copy yet.");
  };

  // 6c. A Fetch or an upload: its message is beside the address box; an error takes the focus there.
  // After a fetched article, the address bar becomes a link to it (with the method and length chosen).
  function inputDone(el) {
    const failed = !!el.querySelector(".msg-error");
    if (inputAction && failed) el.focus({ preventScroll: false });
    if (!failed && /Loaded the article at/.test(el.innerText)) linkTo(document.querySelector("#url input, #url textarea")?.value);
    else if (!failed && /^Loaded/.test(el.innerText.trim())) linkTo("");
    if (el.innerText.trim()) inputAction = false;
  }
  const checked = (id) => document.querySelector(`#${id} input[type=radio]:checked`)?.value || "";
  let linked = new URLSearchParams(location.search).get("url") || "";
  function linkTo(address) {
    linked = (address || "").trim();
    updateLink();
  }
  function updateLink() {
    let target = location.pathname;
    if (linked) {
      const params = new URLSearchParams({ url: linked });
      const method = checked("method"), length = checked("summary-length");
      if (method) params.set("method", method);
      if (length) params.set("length", length);
      target += "?" + params.toString();
    }
    if (location.pathname + location.search !== target) history.replaceState(history.state, "", target);
  }
  function settle() {
    const button = byId("summarize");
    if (!button) return;
    const disabled = button.disabled;
    if (!disabled && focusRun) { focusRun = false; button.focus(); }  // stopped: Summarise, ready again
    if (wasDisabled && !disabled && running) {
      running = false;
      const status = byId("status"), inputStatus = byId("input-status");
      const failed = status && status.querySelector(".msg-error, .msg-dropped");
      const heading = byId("results-heading");
      if (inputStatus && inputStatus.querySelector(".msg-error") && !failed) {
        inputStatus.focus({ preventScroll: false });  // a link's article could not be fetched: why, there
      } else if (failed || !document.querySelector("#aligned table.aligned")) {
        status?.focus({ preventScroll: false });
      } else if (heading) {
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "start", behavior: "instant" });
      }
    }
    wasDisabled = disabled;
  }

  // 7. A link to a summary (/?url=https://...): the page fetches that article and summarises it
  //    (called by the page's load event, once Gradio is connected).
  let linkOpened = false;
  const openLink = () => {
    if (linkOpened || !new URLSearchParams(location.search).get("url")) return;
    const button = byId("link-go");
    if (!button) { setTimeout(openLink, 100); return; }
    linkOpened = running = true;
    button.click();
  };

  window.summarizerPage = { count: (text, max) => counted(text, max), setLimit: (max) => { limit = max; },
                            markStale, openLink, copyEnglish, articleLoaded, loading };
  mark();  // last: every helper above is defined by now
}
