// cmtftp console: live updates over server-sent events and the device
// page's Restart/Reset buttons. Progressive enhancement: every page works
// without it.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  // follow opens the event stream el names in data-events and calls
  // handle with each event of type name.
  function follow(el, name, handle) {
    if (!el || !window.EventSource) { return; }
    var es = new EventSource(el.getAttribute("data-events"));
    es.addEventListener(name, function (ev) { handle(ev.data); });
  }

  function rowOf(html) {
    var t = document.createElement("tbody");
    t.innerHTML = html;
    return t.firstElementChild;
  }

  follow(document.getElementById("charts"), "charts", function (html) {
    document.getElementById("charts").innerHTML = html;
  });
  follow(document.getElementById("changes"), "change", function (html) {
    var body = document.querySelector("#changes tbody");
    var row = rowOf(html);
    if (row) { body.insertBefore(row, body.firstChild); }
  });
  follow(document.getElementById("timeline"), "entry", function (html) {
    var row = rowOf(html);
    if (row) { document.querySelector("#timeline tbody").appendChild(row); }
  });

  function text(tag, s) {
    var e = document.createElement(tag);
    e.textContent = s;
    return e;
  }

  // showResults lays out POST /api/v1/reset's answer in #reset-results.
  function showResults(out, status, body) {
    out.textContent = "";
    var data;
    try { data = JSON.parse(body); } catch (e) { data = null; }
    if (status >= 400 || !data || !data.results) {
      var msg = data && data.error ? data.error.message : body;
      out.appendChild(text("p", "Refused (" + status + "): " + msg)).className = "error";
      return;
    }
    var table = document.createElement("table");
    table.className = "data";
    var head = table.insertRow();
    ["Device", "Protocol", "Target", "Event", "Result", "Status", "Detail"].forEach(function (h) { head.appendChild(text("th", h)); });
    data.results.forEach(function (r) {
      var tr = table.insertRow();
      tr.className = "result-" + r.result;
      [r.device, r.protocol, r.target, r.event, r.result, r.status, r.detail].forEach(function (v) {
        tr.appendChild(text("td", v === undefined || v === null ? "" : String(v)));
      });
    });
    out.appendChild(table);
  }

  document.querySelectorAll("button[data-action]").forEach(function (b) {
    b.addEventListener("click", function () {
      var out = document.getElementById("reset-results");
      out.textContent = "Sending " + b.getAttribute("data-action") + "…";
      fetch("/ui/api/v1/reset", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ action: b.getAttribute("data-action"), devices: [b.getAttribute("data-device")] })
      }).then(function (resp) {
        return resp.text().then(function (body) { showResults(out, resp.status, body); });
      }).catch(function (err) { out.textContent = "Failed: " + err; });
    });
  });
})();
