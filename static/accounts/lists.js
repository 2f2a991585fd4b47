/* Account lists: the selection and its counter, « Sélectionner tout », « Tout désélectionner »,
   reset of the filters, summaries of the multiple-choice dropdowns. No inline script (CSP).

   The selection is kept in the tab (sessionStorage, one entry per person and list: the form's
   data-ec-selection-key), so ticked rows stay ticked across pages, searches, a refused action and
   an HTMX error; the counter counts every selected row, on this page or not, and the accounts when
   rows share them (data-ec-shared-accounts: « 3 lignes sélectionnées — 2 comptes », the words of
   accounts.lists.bulk.selection_summary). « Sélectionner tout » asks the server for the ids of the
   whole search (data-ec-select-all-url) and adds them. A bulk action posts the selection packed in
   `selection_ids`. A completed action's page carries data-ec-selection-done: that selection is
   emptied. Without storage (private mode refusing it), the selection lives as long as the page. */
(function () {
  "use strict";

  var PREFIX = "ec-selection:";
  var memory = {};
  var pending = {};  // key → the search whose ids are being fetched (a swap may replace the form meanwhile)

  function keyOf(form) { return PREFIX + (form.getAttribute("data-ec-selection-key") || ""); }

  function emptyState() { return { rows: {}, searches: {} }; }

  function load(form) {
    var key = keyOf(form);
    if (memory[key]) { return memory[key]; }
    var state = null;
    try { state = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (error) { state = null; }
    if (!state || typeof state.rows !== "object" || typeof state.searches !== "object") { state = emptyState(); }
    memory[key] = state;
    return state;
  }

  function save(form, state) {
    var key = keyOf(form);
    memory[key] = state;
    try { window.sessionStorage.setItem(key, JSON.stringify(state)); } catch (error) { /* kept in memory */ }
  }

  function forget(key) {
    delete memory[PREFIX + key];
    try { window.sessionStorage.removeItem(PREFIX + key); } catch (error) { /* nothing kept */ }
  }

  function formsOf(key) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-ec-selection]"), function (form) {
      return keyOf(form) === key;
    });
  }

  function rowBoxes(form) { return form.querySelectorAll('input[name="selection"]'); }

  function accountOf(box) { return box.getAttribute("data-ec-account") || box.value; }

  function plural(count, singular, pluralForm) { return count + " " + (count > 1 ? pluralForm : singular); }

  function add(state, row, account) { state.rows[row] = String(account); }

  function remove(state, row) {
    delete state.rows[row];
    Object.keys(state.searches).forEach(function (search) {
      if (state.searches[search].indexOf(row) !== -1) { delete state.searches[search]; }
    });
  }

  /* « 3 élève(s) sélectionné(s) sur 120 »; rows off this page: « …, dont 2 hors de cette page »;
     rows sharing accounts: « 3 lignes sélectionnées sur 7 — 2 comptes ». */
  function counterText(form, state) {
    var rows = Object.keys(state.rows);
    var accounts = {};
    rows.forEach(function (row) { accounts[state.rows[row]] = true; });
    var accountCount = Object.keys(accounts).length;
    var onPage = 0;
    rowBoxes(form).forEach(function (box) { if (state.rows[box.value]) { onPage += 1; } });
    var shared = form.hasAttribute("data-ec-shared-accounts") && accountCount !== rows.length;
    var text = shared
      ? plural(rows.length, "ligne sélectionnée", "lignes sélectionnées")
      : rows.length + " " + (form.getAttribute("data-ec-label") || "");
    var offPage = rows.length - onPage;
    text += offPage ? ", dont " + offPage + " hors de cette page" : " sur " + (form.getAttribute("data-ec-total") || "0");
    if (shared) { text += " — " + plural(accountCount, "compte", "comptes"); }
    return { text: text, count: rows.length, shared: shared };
  }

  function show(element, visible) { if (element) { element.hidden = !visible; } }

  function render(form) {
    var state = load(form);
    var boxes = rowBoxes(form);
    var all = form.querySelector("[data-ec-select-all]");
    var pageAll = boxes.length > 0;
    boxes.forEach(function (box) {
      box.checked = Object.prototype.hasOwnProperty.call(state.rows, box.value);
      if (!box.checked) { pageAll = false; }
    });
    var search = form.getAttribute("data-ec-search") || "";
    var fetching = Object.prototype.hasOwnProperty.call(pending, keyOf(form));
    if (all) {
      all.removeAttribute("name");  // the ids travel in selection_ids, never as « the whole search »
      all.checked = (fetching && pending[keyOf(form)] === search) ||
        (pageAll && Object.prototype.hasOwnProperty.call(state.searches, search));
    }
    var counter = counterText(form, state);
    var output = form.querySelector("[data-ec-selection-count]");
    if (output) { output.textContent = fetching ? "Sélection de toute la recherche…" : counter.text; }
    show(form.querySelector("[data-ec-shared-hint]"), counter.shared);
    show(form.querySelector("[data-ec-clear-selection]"), counter.count > 0);
    form.querySelectorAll("[data-ec-needs-selection]").forEach(function (button) {
      button.disabled = fetching || counter.count === 0;
    });
  }

  function error(form, message) {
    var output = form.querySelector("[data-ec-selection-error]");
    if (!output) { return; }
    output.textContent = message;
    output.hidden = !message;
  }

  /* « Sélectionner tout »: the page at once, then every row of the search from the server. */
  function selectSearch(form) {
    var state = load(form);
    var key = keyOf(form);
    var search = form.getAttribute("data-ec-search") || "";
    rowBoxes(form).forEach(function (box) { add(state, box.value, accountOf(box)); });
    save(form, state);
    pending[key] = search;
    error(form, "");
    render(form);
    var url = form.getAttribute("data-ec-select-all-url") + (search ? "?" + search : "");
    window.fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true", "Accept": "application/json" } })
      .then(function (response) {
        var redirect = response.headers.get("HX-Redirect");
        if (redirect) { window.location.href = redirect; throw new Error("redirected"); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        var fresh = load(form);
        var rows = [];
        answer.rows.forEach(function (pair) {
          add(fresh, String(pair[0]), pair[1]);
          rows.push(String(pair[0]));
        });
        fresh.searches[search] = rows;
        save(form, fresh);
      })
      .catch(function (reason) {
        if (reason && reason.message === "redirected") { return; }
        formsOf(key).forEach(function (current) {
          error(current, "Toute la recherche n'a pas pu être sélectionnée (connexion interrompue ou erreur du service) : seules les lignes de cette page le sont. Réessayez.");
        });
      })
      .then(function () {
        delete pending[key];
        formsOf(key).forEach(render);
      });
  }

  function unselectSearch(form) {
    var state = load(form);
    var search = form.getAttribute("data-ec-search") || "";
    (state.searches[search] || []).forEach(function (row) { remove(state, row); });
    rowBoxes(form).forEach(function (box) { remove(state, box.value); });
    delete state.searches[search];
    save(form, state);
    render(form);
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
      if (target.checked) { selectSearch(form); } else { unselectSearch(form); }
      return;
    }
    if (target.name === "selection") {
      var state = load(form);
      if (target.checked) { add(state, target.value, accountOf(target)); } else { remove(state, target.value); }
      save(form, state);
      render(form);
    }
  });

  // A bulk action carries the whole selection, and waits for « Sélectionner tout » to finish.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-ec-selection]")) { return; }
    if (Object.prototype.hasOwnProperty.call(pending, keyOf(form))) { event.preventDefault(); return; }
    var packed = form.querySelector("[data-ec-selection-ids]");
    if (packed) { packed.value = Object.keys(load(form).rows).join(","); }
  });

  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-ec-clear-selection]");
    if (clear) {
      var form = clear.closest("[data-ec-selection]");
      save(form, emptyState());
      error(form, "");
      render(form);
      var all = form.querySelector("[data-ec-select-all]");
      if (all) { all.focus(); }  // the button disappears: the focus stays in the selection
      return;
    }
    var reset = event.target.closest("[data-ec-reset-filters]");
    if (reset) {
      var filters = reset.closest("form");
      if (filters && filters.requestSubmit) {
        event.preventDefault();
        filters.querySelectorAll("input").forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") { input.checked = false; }
          else if (input.type !== "hidden") { input.value = ""; }
        });
        filters.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
        filters.querySelectorAll("[data-ec-multiselect]").forEach(function (details) { summarize(details); details.open = false; });
        filters.requestSubmit();
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

  function refreshAll() {
    document.querySelectorAll("[data-ec-selection-done]").forEach(function (done) {
      forget(done.getAttribute("data-ec-selection-done"));
    });
    document.querySelectorAll("[data-ec-selection]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:afterSettle", refreshAll);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { refreshAll(); } });
})();
