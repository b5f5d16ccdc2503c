// Progressive enhancement of the ballot form: a running total and what is left.
// The server checks every limit again; this only helps before submitting.
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) return;
  var kind = form.dataset.kind, limit = Number(form.dataset.limit), currency = form.dataset.currency;
  var box = form.querySelector(".tally");
  var err = document.getElementById("ballot-error");
  if (err) err.focus();
  if (!box || !limit) return;
  var used = box.querySelector("[data-role=used]"), left = box.querySelector("[data-role=left]");
  function money(minor) {
    var sign = minor < 0 ? "-" : ""; minor = Math.abs(minor);
    return sign + Math.floor(minor / 100).toLocaleString("en") + "." + String(minor % 100).padStart(2, "0") + " " + currency;
  }
  function update() {
    var total = 0;
    if (kind === "knapsack") {
      form.querySelectorAll("input[name=project]:checked").forEach(function (c) { total += Number(c.dataset.cost); });
      used.textContent = "Chosen: " + money(total);
      left.textContent = total > limit ? "Over by " + money(total - limit) : "Left to spend: " + money(limit - total);
    } else {
      form.querySelectorAll("input[type=number]").forEach(function (i) { total += Math.max(0, Number(i.value) || 0); });
      used.textContent = "Given: " + total + " points";
      left.textContent = total > limit ? "Over by " + (total - limit) + " points" : "Points left: " + (limit - total);
    }
    box.classList.toggle("over", total > limit);
  }
  box.hidden = false;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
