/* Account lists: selection count (« N élève(s) sélectionné(s) sur M »), « Sélectionner tout »,
   reset of the filters, summaries of the multiple-choice dropdowns. No inline script (CSP). */
(function () {
  "use strict";

  function selectionForms() {
    return document.querySelectorAll("[data-ec-selection]");
  }

  function update(form) {
    var total = parseInt(form.getAttribute("data-ec-total") || "0", 10);
    var all = form.querySelector("[data-ec-select-all]");
    var boxes = form.querySelectorAll('input[name="selection"]');
    var checked = 0;
    boxes.forEach(function (box) {
      if (all && all.checked) { box.checked = true; }
      if (box.checked) { checked += 1; }
    });
    var count = all && all.checked ? total : checked;
    var output = form.querySelector("[data-ec-count]");
    if (output) { output.textContent = String(count); }
    form.querySelectorAll("[data-ec-needs-selection]").forEach(function (button) {
      button.disabled = count === 0;
    });
  }

  function summarize(details) {
    var summary = details.querySelector("summary");
    var labels = [];
    details.querySelectorAll('input[type="checkbox"]:checked').forEach(function (box) {
      var label = details.querySelector('label[for="' + box.id + '"]');
      if (label) { labels.push(label.textContent.trim()); }
    });
    summary.textContent = labels.length ? labels.join(", ") : (summary.getAttribute("data-ec-empty") || "Tous");
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var details = target.closest("[data-ec-multiselect]");
    if (details) { summarize(details); }
    var form = target.closest("[data-ec-selection]");
    if (!form) { return; }
    if (target.matches("[data-ec-select-all]")) {
      form.querySelectorAll('input[name="selection"]').forEach(function (box) { box.checked = target.checked; });
    } else if (target.name === "selection" && !target.checked) {
      var all = form.querySelector("[data-ec-select-all]");
      if (all) { all.checked = false; }
    }
    update(form);
  });

  document.addEventListener("click", function (event) {
    var reset = event.target.closest("[data-ec-reset-filters]");
    if (reset) {
      var form = reset.closest("form");
      if (form && form.requestSubmit) {
        event.preventDefault();
        form.querySelectorAll("input").forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") { input.checked = false; }
          else if (input.type !== "hidden") { input.value = ""; }
        });
        form.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
        form.querySelectorAll("[data-ec-multiselect]").forEach(function (details) { summarize(details); details.open = false; });
        form.requestSubmit();
      }
      return;
    }
    // Close an open dropdown when clicking elsewhere.
    document.querySelectorAll("[data-ec-multiselect][open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.open = false; }
    });
  });

  // Escape closes an open dropdown and gives the focus back to it (its options leave the tab order:
  // the content of a closed <details> is not rendered).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var details = event.target.closest ? event.target.closest("[data-ec-multiselect][open]") : null;
    if (!details) { return; }
    event.preventDefault();
    details.open = false;
    details.querySelector("summary").focus();
  });

  function refreshAll() { selectionForms().forEach(update); }
  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:load", refreshAll);
  document.addEventListener("htmx:afterSettle", refreshAll);
})();
