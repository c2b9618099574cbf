() => {
  // The page's behaviour in the browser (Gradio runs this function once, when the page loads).
  // Listeners are on the document, so they keep working when Gradio re-renders a component.

  // 1. Language and live regions that Gradio's components cannot be given from Python.
  const mark = () => {
    document.querySelectorAll(".arabic textarea").forEach((el) => {
      if (el.lang !== "ar") { el.lang = "ar"; el.dir = "rtl"; }
    });
    document.querySelectorAll("#examples button").forEach((el) => {
      if (el.lang !== "ar") { el.lang = "ar"; el.dir = "rtl"; }
    });
    for (const id of ["status", "input-status"]) {
      const el = document.getElementById(id);
      if (el && el.getAttribute("role") !== "status") {
        el.setAttribute("role", "status");
        el.setAttribute("aria-live", "polite");
      }
    }
    const count = document.getElementById("char-count");
    if (count && !count.hasAttribute("aria-live")) count.setAttribute("aria-live", "polite");
    // Results cleared (a new article was loaded): nothing is stale any more.
    const r = document.getElementById("results");
    if (r && r.classList.contains("stale") && !r.querySelector("table.aligned")) r.classList.remove("stale");
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; mark(); });
  }).observe(document.body, { childList: true, subtree: true });
  mark();

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

  // 3. Results made from another text say so: typing in the article after a summary marks them.
  const results = () => document.getElementById("results");
  document.addEventListener("input", (e) => {
    if (!(e.target instanceof Element) || !e.target.closest("#article")) return;
    const r = results();
    if (r && r.querySelector("table.aligned")) r.classList.add("stale");
  });
  document.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("#summarize")) results()?.classList.remove("stale");
  });
}
