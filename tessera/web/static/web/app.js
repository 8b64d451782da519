/* Tessera web UI behaviour: kanban drag and drop (SortableJS), live timers. No CDN. */
(function () {
  "use strict";

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text, ok) {
    var box = document.getElementById("board-message");
    if (!box) return;
    box.textContent = text;
    box.className = "board-message" + (ok ? " ok" : "");
    box.setAttribute("role", ok ? "status" : "alert");
    box.hidden = false;
  }

  function setCounts(counts) {
    document.querySelectorAll("[data-wip]").forEach(function (el) {
      var n = counts[el.dataset.wip] || 0;
      var limit = el.dataset.limit;
      el.textContent = limit ? n + " / " + limit : String(n);
      el.classList.toggle("over", !!limit && n > Number(limit));
      el.setAttribute("aria-label", n + " cards" + (limit ? ", WIP limit " + limit : ""));
    });
  }

  function neighbour(card, dir) {
    var sib = dir < 0 ? card.previousElementSibling : card.nextElementSibling;
    while (sib && !sib.dataset.ticket) sib = dir < 0 ? sib.previousElementSibling : sib.nextElementSibling;
    return sib ? sib.dataset.ticket : "";
  }

  function sendMove(board, card, list, revert) {
    var body = new URLSearchParams();
    body.set("ticket", card.dataset.ticket);
    body.set("column", list.dataset.column);
    body.set("before", neighbour(card, -1));
    body.set("after", neighbour(card, 1));
    board.setAttribute("aria-busy", "true");
    return fetch(board.dataset.moveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().catch(function () { return { ok: false, error: "The move failed (" + r.status + ")." }; }); })
      .then(function (data) {
        if (data.ok) {
          setCounts(data.counts);
          say("Moved to " + data.state + ".", true);
        } else {
          revert();
          say("Move refused: " + data.error, false);
        }
      })
      .catch(function () { revert(); say("Move failed: the server could not be reached.", false); })
      .finally(function () { board.removeAttribute("aria-busy"); });
  }

  function initBoard() {
    var board = document.getElementById("board");
    if (!board || !window.Sortable || board.dataset.ready) return;
    board.dataset.ready = "1";
    board.querySelectorAll("ol.cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board",
        animation: 120,
        filter: "select, a, button",
        preventOnFilter: false,
        onEnd: function (evt) {
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
          var card = evt.item, from = evt.from, oldIndex = evt.oldIndex;
          sendMove(board, card, evt.to, function () {
            var ref = from.children[oldIndex] || null;
            if (ref === card) return;
            from.insertBefore(card, ref);
          });
        },
      });
    });
    // Keyboard alternative: each card's "Move to" form (a column, or up/down in its column).
    board.querySelectorAll("select.move-select").forEach(function (sel) {
      if (sel.querySelector('option[value="up"]')) return;
      var up = new Option("Up one place", "up"), down = new Option("Down one place", "down");
      sel.insertBefore(down, sel.options[1] || null);
      sel.insertBefore(up, down);
    });
    board.addEventListener("submit", function (evt) {
      var form = evt.target;
      if (!form.classList.contains("move-form")) return;
      evt.preventDefault();
      var sel = form.querySelector("select.move-select");
      var card = form.closest(".kcard");
      var from = card.parentElement, next = card.nextElementSibling;
      var value = sel.value, target = from;
      if (!value) { say("Choose where to move the card first.", false); sel.focus(); return; }
      if (value === "up" || value === "down") {
        var sib = value === "up" ? card.previousElementSibling : card.nextElementSibling;
        if (!sib) { say("The card is already at the " + (value === "up" ? "top" : "bottom") + " of its column.", false); return; }
        from.insertBefore(card, value === "up" ? sib : sib.nextElementSibling);
      } else {
        target = board.querySelector('ol.cards[data-column="' + value + '"]');
        if (!target) return;
        target.appendChild(card);
      }
      sel.value = "";
      sel.focus();
      sendMove(board, card, target, function () { from.insertBefore(card, next); sel.focus(); });
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(total) {
    total = Math.max(0, Math.floor(total));
    return pad(Math.floor(total / 3600)) + ":" + pad(Math.floor(total / 60) % 60) + ":" + pad(total % 60);
  }
  function tickTimers() {
    document.querySelectorAll("[data-timer-seconds]").forEach(function (el) {
      if (!el.dataset.timerStart) el.dataset.timerStart = String(Date.now());
      var base = Number(el.dataset.timerSeconds) || 0;
      var running = el.dataset.timerRunning === "true";
      var elapsed = running ? (Date.now() - Number(el.dataset.timerStart)) / 1000 : 0;
      var dir = el.dataset.timerDirection === "down" ? -1 : 1;
      el.textContent = fmt(base + dir * elapsed);
    });
  }

  function init() {
    initBoard();
    tickTimers();
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  setInterval(tickTimers, 1000);
})();
