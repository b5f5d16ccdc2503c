// Ranking page: drag proposals (mouse, touch or pen) between "Your ranking" and "Not ranked";
// the rank selects follow, and changing a select moves the item. The form posts the selects,
// so the page works the same without this script. Turnout and the phase arrive live through the
// room's socket.io events (ranking_count_changed, phase_changed); without a socket, it polls.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var POLL_MS = 10000;  // only while the socket is down: 1,000 phones make 100 requests a second
  var ranked = document.getElementById("ranked");
  var unranked = document.getElementById("unranked");
  // The proposal list uses the same live link but never reloads by itself: someone may be typing a draft.
  var state = document.getElementById("ranking-state") || document.getElementById("proposals-state");
  var listPage = state !== null && state.id === "proposals-state";

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

  var EDGE = 48;  // px from the top or bottom of the screen where a drag scrolls the page

  function onMove(event) {
    if (!dragging) { return; }
    if (event.clientY < EDGE) { window.scrollBy(0, -16); }
    if (event.clientY > window.innerHeight - EDGE) { window.scrollBy(0, 16); }
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

  function showTurnout(ranked) {
    var count = state.querySelector("[data-ranked]");
    if (!count || ranked === null) { return; }
    count.textContent = String(ranked);
    state.querySelector("[data-ranked-word]").textContent = ranked === 1 ? "resident has" : "residents have";
  }

  function showChanged() {
    var notice = document.getElementById("changed");
    if (notice) { notice.hidden = false; }
  }

  function showPhase(phase) {
    if (phase === state.getAttribute("data-phase")) { return; }
    if (listPage) { showChanged(); } else { window.location.reload(); }
  }

  var socket = null;
  var lastSeq = Number(state ? state.getAttribute("data-last-seq") : 0);

  function take(e) {
    if (e.seq <= lastSeq) { return; }  // a resume can overlap live events
    lastSeq = e.seq;
    if (e.type === "ranking_count_changed") { showTurnout(e.ranked); }
    if (e.type === "phase_changed") { showPhase(e.phase); }
    if (e.type === "proposal_changed" && listPage) { showChanged(); }
  }

  function live() {
    if (typeof io !== "function") { return; }
    socket = io({ auth: { session_id: Number(state.getAttribute("data-session")) }, transports: ["websocket", "polling"] });
    socket.onAny(function (type, data) { if (data && data.seq) { take(data); } });
    socket.on("disconnect", function () { state.removeAttribute("data-live"); });
    socket.on("connect", function resume() {
      socket.emit("resume", { last_seq: lastSeq }, function (ack) {
        if (!ack.ok) { return; }
        ack.events.forEach(take);
        if (ack.more) { resume(); return; }
        state.setAttribute("data-live", "1");
        showPhase(ack.state.phase);
      });
    });
  }

  function poll() {
    if (socket && socket.connected) { return; }
    var session = state.getAttribute("data-session");
    fetch("/api/v1/sessions/" + session + "/ranking", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        showPhase(s.phase);
        showTurnout(s.ranked);
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
  if (state && state.getAttribute("data-phase") !== "closed") {
    live();
    window.setInterval(poll, POLL_MS);
  }
})();
