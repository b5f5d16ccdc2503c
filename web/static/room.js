// Live room: resume from the page's sequence number, apply each event once, send forms over socket.io.
// Events may arrive out of seq order (two server processes commit within milliseconds): a late
// lower seq is still applied, where it belongs, and never undoes a newer state (docs/protocol.md).
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || typeof io === "undefined") return;
  var sessionId = Number(root.dataset.session);
  var role = root.dataset.role;
  var known = Number(root.dataset.lastSeq || 0);  // every seq up to here is applied or not for us
  var applied = new Set();                       // seqs above `known` applied so far
  var newest = {};                               // per piece of state: the seq that set it
  var gone = new Set();                          // messages and questions removed (a late post stays out)
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var status = root.querySelector("[data-connection]");
  var secondsLeft = null, paused = false;

  function key() { return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/[^A-Za-z0-9_-]/g, ""); }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    return e;
  }
  function byId(id) { return document.getElementById(id); }

  function setPhase(e) {
    root.querySelector("[data-phase-name]").textContent = e.phase.replace("_", " ");
    root.querySelector("[data-phase-expert]").textContent = e.expert_name ? " — " + e.expert_name : "";
    root.querySelector("[data-paused]").hidden = !e.paused;
    secondsLeft = e.seconds_left; paused = e.paused; tick();
    document.querySelectorAll("[data-phases]").forEach(function (s) {
      s.hidden = s.dataset.phases.split(" ").indexOf(e.phase) < 0;
    });
    // After the briefings an empty materials or questions list only pushes the discussion down.
    var past = ["scheduled", "check_in", "briefing", "questioning"].indexOf(e.phase) < 0;
    ["materials", "questions"].forEach(function (id) {
      var list = byId(id); if (!list || role === "expert") return;
      list.closest("section").hidden = past && !list.querySelector("li:not(.empty)");
    });
  }
  function tick() {
    var c = root.querySelector("[data-countdown]");
    c.textContent = secondsLeft == null ? "" : Math.floor(secondsLeft / 60) + " min " + (secondsLeft % 60) + " s left";
  }
  setInterval(function () { if (secondsLeft > 0 && !paused) { secondsLeft -= 1; tick(); } }, 1000);

  function question(id) { return document.querySelector('[data-question="' + id + '"]'); }
  var apply = {
    phase_changed: function (e) {
      if (e.phase === "withdrawal" && e.expert_id) withdrew(e.expert_id, e.expert_name);  // even if late
      if (!fresh("phase", e.seq)) return;
      setPhase(e); if (role === "facilitator") location.reload();
    },
    timer_changed: function (e) { if (fresh("phase", e.seq)) setPhase(e); },
    timer_expired: function (e) {
      if (!fresh("phase", e.seq)) return;
      secondsLeft = null; root.querySelector("[data-countdown]").textContent = "Time is up.";
    },
    message_posted: function (e) {
      var list = byId("messages"); if (!list || gone.has("m" + e.message_id)) return;
      var li = el("li", null, {"data-message": e.message_id});
      li.appendChild(el("strong", e.author)); li.appendChild(document.createTextNode(" " + e.body));
      place(list, li, e.seq); list.scrollTop = list.scrollHeight;
    },
    message_hidden: function (e) {
      gone.add("m" + e.message_id);
      var li = document.querySelector('[data-message="' + e.message_id + '"]'); if (li) li.remove();
    },
    moderation_notice: function (e) {
      var what = {hide: "hid your message", mute: "muted you for now", unmute: "unmuted you: you can post again",
                  remove: "removed you from this session"}[e.action] || e.action;
      notify("A facilitator " + what + (e.reason ? ". Reason: " + e.reason : "."));
    },
    material_shared: function (e) {
      var li = el("li"); li.appendChild(el("a", e.title, {href: e.url, rel: "noopener"}));
      place(byId("materials"), li, e.seq);
    },
    question_asked: function (e) {
      if (gone.has("q" + e.question_id) || question(e.question_id)) return;
      var li = el("li", null, {"data-question": e.question_id});
      li.appendChild(el("span", e.body, {"class": "q-body"}));
      li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "open", {"class": "q-status"}));
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(el("span", String(e.upvotes), {"data-upvotes": ""}));
      li.appendChild(document.createTextNode(" upvotes"));
      if (role === "resident") li.appendChild(upvoteButton(e.question_id));
      place(byId("questions"), li, e.seq);
    },
    question_upvoted: function (e) {
      var q = question(e.question_id);
      if (q && fresh("upvotes" + e.question_id, e.seq)) q.querySelector("[data-upvotes]").textContent = e.upvotes;
    },
    question_released: function (e) {
      if (gone.has("q" + e.question_id)) return;
      var q = question(e.question_id);
      if (!q) { apply.question_asked(e); q = question(e.question_id); }
      var s = q.querySelector(".q-status"); if (s && fresh("status" + e.question_id, e.seq)) s.textContent = "released";
    },
    question_skipped: removeQuestion,
    question_merged: removeQuestion,
    question_answered: function (e) {
      if (gone.has("q" + e.question_id)) return;
      var q = question(e.question_id);
      if (!q) { apply.question_asked(e); q = question(e.question_id); }
      var s = q.querySelector(".q-status"); if (s && fresh("status" + e.question_id, e.seq)) s.textContent = "answered";
      q.appendChild(el("p", "Answer: " + e.answer, {"class": "answer"}));
    },
    clarity_flagged: function (e) {
      var f = byId("flags"); if (f && fresh("flags", e.seq)) f.textContent = "jargon " + e.jargon + ", too fast " + e.too_fast;
    },
    queue_changed: function (e) {
      if (!fresh("queue", e.seq)) return;
      byId("speaking").textContent = e.speaking || "nobody";
      byId("waiting").textContent = e.waiting.join(", ") || "nobody";
    },
    talk_times: function (e) {
      if (!fresh("talk", e.seq)) return;
      var t = byId("talk-times"); if (!t) return;
      t.querySelectorAll("tr.row").forEach(function (r) { r.remove(); });
      e.speakers.forEach(function (s) { var tr = el("tr", null, {"class": "row"}); tr.appendChild(el("td", s.name)); tr.appendChild(el("td", String(s.seconds))); t.appendChild(tr); });
    },
    slow_mode_changed: function () {},
    recall_proposed: function (e) {
      var list = byId("recalls"); if (!list || recall(e.recall_id)) return;
      var li = el("li", e.expert_name + ": “" + e.question + "” — ", {"data-recall": e.recall_id});
      li.appendChild(el("span", String(e.votes), {"data-votes": ""})); li.appendChild(document.createTextNode(" votes, "));
      li.appendChild(el("span", "open", {"data-recall-status": ""}));
      var ask = role === "resident" ? ["Vote to ask", "vote_recall", null] : role === "facilitator" ?
        ["Approve", "approve_recall", "Recall the expert for this one question?"] : null;
      if (ask) {
        var b = el("button", ask[0], {type: "button"});
        b.addEventListener("click", function () { if (!ask[2] || confirm(ask[2])) send(ask[1], {recall_id: e.recall_id}); });
        li.appendChild(document.createTextNode(" ")); li.appendChild(b);
      }
      var none = byId("recall-none"); if (none) none.hidden = true;
      place(list, li, e.seq);
    },
    recall_voted: function (e) {
      var r = recall(e.recall_id); if (r && fresh("votes" + e.recall_id, e.seq)) r.querySelector("[data-votes]").textContent = e.votes;
    },
    recall_approved: function (e) { recallStatus(e, "approved"); note(e); },
    recall_answered: function (e) { recallStatus(e, "answered"); note(e); },
  };
  function recall(id) { return document.querySelector('[data-recall="' + id + '"]'); }
  function recallStatus(e, status) {
    var r = recall(e.recall_id); if (!r) return;
    r.querySelectorAll("form, button").forEach(function (b) { b.remove(); });  // voting is over
    if (fresh("recall" + e.recall_id, e.seq)) r.querySelector("[data-recall-status]").textContent = status;
    if (e.answer) r.appendChild(document.createTextNode(". Answer: " + e.answer));
  }
  function note(e) {
    var list = byId("messages"); if (!list) return;
    var text = e.type === "recall_answered" ? "Recall answer: " + e.answer : "Recall approved: " + e.question;
    place(list, el("li", text, {"class": "note"}), e.seq);
  }
  // An expert withdrew: residents may now ask them again (the page may predate the withdrawal).
  function withdrew(id, name) {
    var select = byId("recall-expert"); if (!select) return;
    if (!select.querySelector('option[value="' + id + '"]')) select.appendChild(el("option", name, {value: id}));
    byId("recall-form").hidden = false; byId("recall-none").hidden = true;
  }
  function notify(text) { var n = byId("notice"); n.textContent = text; n.hidden = false; }
  // A piece of state (the phase, the queue, a count) takes an event only if it is newer than
  // the one that set it: a late lower seq must not undo a newer state.
  function fresh(piece, seq) {
    if ((newest[piece] || 0) > seq) return false;
    newest[piece] = seq; return true;
  }
  // Lists keep seq order: a late lower seq goes before the items that came after it.
  function place(list, li, seq) {
    li.dataset.seq = seq;
    var empty = list.querySelector(".empty"); if (empty) empty.remove();
    var section = list.closest("section"); if (section && !section.dataset.phases) section.hidden = false;
    var after = null;
    list.querySelectorAll("[data-seq]").forEach(function (x) { if (!after && Number(x.dataset.seq) > seq) after = x; });
    list.insertBefore(li, after);
  }
  function removeQuestion(e) { gone.add("q" + e.question_id); var q = question(e.question_id); if (q) q.remove(); }
  function upvoteButton(id) {
    var b = el("button", "Upvote", {type: "button"});
    b.addEventListener("click", function () { send("upvote_question", {question_id: id}); });
    return b;
  }
  function take(e) {
    if (e.seq <= known || applied.has(e.seq)) return;  // already applied (a resume can overlap live events)
    applied.add(e.seq); pending.push([e.seq, Date.now()]);
    if (apply[e.type]) apply[e.type](e);
  }
  // A seq applied GRACE ms ago on a socket that stayed connected since: any lower seq committed
  // before it has had time to cross in flight, so what has not come is not for us. Settling it
  // keeps the next resume short after a long stay (it starts from `known`).
  var GRACE = 5000, pending = [], connectedSince = Infinity;
  setInterval(function () {
    var now = Date.now(), upTo = known;
    pending = pending.filter(function (p) {
      if (p[1] >= connectedSince && p[1] < now - GRACE) { upTo = Math.max(upTo, p[0]); return false; }
      return p[0] > known;
    });
    settle(upTo);
  }, 1000);
  function settle(upTo) {  // the server says every seq up to here has reached us
    if (upTo <= known) return;
    known = upTo;
    applied.forEach(function (s) { if (s <= known) applied.delete(s); });
  }

  var socket = io({auth: {session_id: sessionId}, transports: ["websocket", "polling"]});
  socket.onAny(function (type, data) {
    if (data && data.seq) take(data);
    else if (type === "presence") {
      root.querySelectorAll("[data-presence]").forEach(function (p) { p.textContent = data.residents; });
      var names = byId("names");
      if (names && data.names) { names.textContent = ""; data.names.forEach(function (n) { names.appendChild(el("li", n)); }); }
    } else if (type === "session_left") { status.textContent = data.reason; }
  });
  function resume() {
    // From the lowest seq not known: the ack repeats any we applied live (dropped) and fills the rest.
    socket.emit("resume", {last_seq: known}, function (ack) {
      if (!ack.ok) { status.textContent = ack.error; return; }
      ack.events.forEach(take);
      // The ack holds every seq we may see up to last_seq; a page (`more`) up to its last event.
      settle(ack.more ? ack.events[ack.events.length - 1].seq : ack.last_seq);
      if (ack.more) { resume(); return; }  // a long absence comes back in pages
      setPhase(ack.state);
      status.textContent = "Live.";
    });
  }
  socket.on("connect", function () { connectedSince = Date.now(); resume(); });
  socket.on("disconnect", function () { connectedSince = Infinity; status.textContent = "Reconnecting…"; });
  socket.on("connect_error", function (err) { status.textContent = err.message; });

  function send(name, payload, done) {
    payload.key = payload.key || key();
    socket.timeout(10000).emit(name, payload, function (err, ack) {
      if (err) { notify("No answer from the server; try again."); return; }
      if (!ack.ok) { notify(ack.error); return; }
      byId("notice").hidden = true;
      if (done) done(ack);
    });
  }
  document.querySelectorAll("form.act[data-request]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!socket.connected) return;  // fall back to the plain form post
      ev.preventDefault();
      if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
      var payload = {};
      new FormData(form).forEach(function (v, k) { if (k !== "csrf_token" && k !== "back" && v !== "") payload[k] = v; });
      payload.key = key();  // a fresh key per submission; a retry of this one reuses it
      send(form.dataset.request, payload, function () {
        form.querySelectorAll("textarea").forEach(function (t) { t.value = ""; });
        if (role === "facilitator" && form.dataset.request !== "post_message") location.reload();
      });
    });
  });
})();
