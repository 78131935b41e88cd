/* Workspace date fields: typed as dd/mm/yyyy (works without JavaScript); with JavaScript a
   calendar button next to each opens the browser's own date picker and writes the chosen day
   back as dd/mm/yyyy. No library, no build step. */
(function () {
  "use strict";
  function pad(n) { return String(n).padStart(2, "0"); }
  function toIso(value) {
    var m = /^\s*(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})\s*$/.exec(value || "");
    return m ? m[3] + "-" + pad(m[2]) + "-" + pad(m[1]) : "";
  }
  function enhance(text) {
    if (text.dataset.pickerReady) return;
    text.dataset.pickerReady = "1";
    var wrap = document.createElement("span");
    wrap.className = "date-wrap";
    text.parentNode.insertBefore(wrap, text);
    wrap.appendChild(text);
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    picker.setAttribute("aria-label", text.dataset.pickLabel || "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-button";
    button.setAttribute("aria-label", text.dataset.pickLabel || "");
    button.title = text.dataset.pickLabel || "";
    button.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2"/></svg>';
    picker.addEventListener("change", function () {
      var parts = picker.value.split("-");
      if (parts.length === 3) {
        text.value = parts[2] + "/" + parts[1] + "/" + parts[0];
        text.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    button.addEventListener("click", function () {
      picker.value = toIso(text.value);
      try { picker.showPicker(); } catch (e) { picker.focus(); picker.click(); }
    });
    wrap.appendChild(picker);
    wrap.appendChild(button);
  }
  function init(root) {
    (root || document).querySelectorAll("input.date").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
