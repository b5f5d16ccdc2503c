// Ranking page: drag proposals (mouse, touch or pen) between "Your ranking" and "Not ranked";
// the rank selects follow, and changing a select moves the item. The form posts the selects,
// so the page works the same without this script. Turnout refreshes every few seconds.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var POLL_MS = 5000;
  var ranked = document.getElementById("ranked");
  var unranked = document.getElementById("unranked");
  var state = document.getElementById("ranking-state");

  function items(list) { return Array.prototype.slice.call(list.querySelectorAll(".rank-item")); }

  function sync() {
    items(ranked).forEach(function (li, i) { li.querySelector("select").value = String(i + 1); });
    items(unranked).forEach(function (li) { li.querySelector("select").value = ""; });
    [ranked, unranked].forEach(function (l) { l.classList.toggle("empty", items(l).length === 0); });
  }

  function place(li, list, before) {
    if (before) { list.insertBefore(li, before); } else { list.appendChild(li); }
  }

  function onSelect(event) {
    var li = event.target.closest(".rank-item");
    var value = event.target.value;
    if (!value) { place(li, unranked, unranked.firstChild); sync(); return; }
    var others = items(ranked).filter(function (x) { return x !== li; });
    var at = Math.min(parseInt(value, 10) - 1, others.length);
    place(li, ranked, others[at] || null);
    sync();
    event.target.focus();
  }

  var dragging = null;

  function onDown(event) {
    var grip = event.target.closest(".grip");
    if (!grip) { return; }
    dragging = grip.closest(".rank-item");
    dragging.classList.add("dragging");
    grip.setPointerCapture(event.pointerId);
    event.preventDefault();
  }

  function onMove(event) {
    if (!dragging) { return; }
    var under = document.elementFromPoint(event.clientX, event.clientY);
    if (!under) { return; }
    var target = under.closest(".rank-item");
    if (target && target !== dragging) {
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      place(dragging, target.parentNode, after ? target.nextSibling : target);
      return;
    }
    var list = under.closest(".rank-list");
    if (list && dragging.parentNode !== list) { place(dragging, list, null); }
  }

  function onUp() {
    if (!dragging) { return; }
    dragging.classList.remove("dragging");
    dragging = null;
    sync();
  }

  function poll() {
    var session = state.getAttribute("data-session");
    fetch("/api/v1/sessions/" + session + "/ranking", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        if (s.phase !== state.getAttribute("data-phase")) { window.location.reload(); return; }
        var count = state.querySelector("[data-ranked]");
        if (count && s.ranked !== null) {
          count.textContent = String(s.ranked);
          state.querySelector("[data-ranked-word]").textContent = s.ranked === 1 ? "resident has" : "residents have";
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  if (ranked && unranked) {
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("pointercancel", onUp);
    document.getElementById("rank-form").addEventListener("change", onSelect);
  }
  if (state && state.getAttribute("data-phase") !== "closed") { window.setInterval(poll, POLL_MS); }
})();
