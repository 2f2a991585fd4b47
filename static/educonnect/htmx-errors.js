/* HTMX, once for the whole site (STYLE.md §5; loaded by templates/base.html, no inline script: CSP).

   1. Errors reach the person. The <meta name="htmx-config"> of base.html swaps 2xx, 409 and 422
      (a refusal or a form with its errors, rendered by the view); any other 4xx/5xx is not swapped
      and arrives here as htmx:responseError: a DSFR alert is put where the action was (the row's
      cell, just above the form, or just before the updated region) and receives the focus. The server's own alert
      (educonnect/views.py: « Accès refusé », « Votre session a expiré » + « Se reconnecter »…) is used
      when the answer carries one; otherwise a French message chosen by status. A request that could
      not be sent (network down) gets « Connexion impossible ».
   2. Focus follows the new content after a swap triggered by the person (click, submit, key):
      its [autofocus] or [data-ec-focus] element, else its alert or heading, else the region itself;
      an out-of-band part of the answer marked [data-ec-focus] (the banner of a row's reset, above
      the list) comes first. The focused element is scrolled into view. While typing in a live search
      (focus on a field outside the swapped region) the focus stays in the field; a polling refresh
      never moves it. */
(function () {
  "use strict";

  var ALERT_ATTR = "data-ec-htmx-alert";
  var MESSAGES = {
    400: ["Demande incorrecte", "La demande n'a pas pu être traitée. Rechargez la page et réessayez."],
    401: ["Votre session a expiré", "Votre action n'a pas été enregistrée. Reconnectez-vous puis recommencez."],
    403: ["Accès refusé", "Vous n'êtes pas autorisé à effectuer cette action."],
    404: ["Accès refusé", "Cet élément n'existe pas ou vous n'y avez plus accès : un droit vous a peut-être été retiré."],
    413: ["Demande trop volumineuse", "La demande envoyée est trop volumineuse pour être traitée."],
    429: ["Trop de demandes", "Trop de demandes en peu de temps : patientez quelques minutes puis réessayez."],
    500: ["Erreur inattendue", "Le service rencontre un problème : votre demande n'a pas été traitée. Réessayez dans quelques minutes."],
    0: ["Connexion impossible", "La demande n'a pas pu être envoyée : vérifiez votre connexion à internet, puis réessayez."]
  };

  function messageFor(status) {
    if (MESSAGES[status]) { return MESSAGES[status]; }
    return status >= 500 ? MESSAGES[500] : MESSAGES[400];
  }

  function buildAlert(status, html) {
    if (html && html.indexOf(ALERT_ATTR) !== -1) {
      var template = document.createElement("template");
      template.innerHTML = html;
      var fromServer = template.content.querySelector("[" + ALERT_ATTR + "]");
      if (fromServer) { return fromServer; }
    }
    var texts = messageFor(status);
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--sm fr-mb-2w ec-htmx-alert " + (status >= 500 || status === 0 ? "fr-alert--error" : "fr-alert--warning");
    alert.setAttribute("role", "alert");
    alert.setAttribute("tabindex", "-1");
    alert.setAttribute(ALERT_ATTR, "");
    var title = document.createElement("h3");
    title.className = "fr-alert__title";
    title.textContent = texts[0];
    var text = document.createElement("p");
    text.textContent = texts[1];
    alert.appendChild(title);
    alert.appendChild(text);
    return alert;
  }

  /* Where the action was: the table cell of a row action, the form that was sent, or just before
     the region that was to be updated. */
  function place(alert, elt, target) {
    var cell = elt && elt.closest ? elt.closest("td, th") : null;
    var form = elt && elt.closest ? elt.closest("form") : null;
    var container, anchor = null;  // insert at the top of `container`, or just before `anchor`
    if (cell) {
      container = cell;
    } else if (form && form.parentNode && !(target && form.contains(target) && target !== form)) {
      container = form.parentNode;  // just above the form (some forms are grids: never inside)
      anchor = form;
    } else if (target && target !== document.body && target.parentNode) {
      container = target.parentNode;
      anchor = target;
    } else {
      container = document.getElementById("content") || document.body;
    }
    Array.prototype.forEach.call(container.querySelectorAll(":scope > [" + ALERT_ATTR + "]"), function (old) {
      old.remove();
    });
    container.insertBefore(alert, anchor || container.firstChild);
    alert.focus();
  }

  // The event is dispatched on the element that issued the request (detail.elt is not always set).
  function show(event, status, html) {
    var elt = event.detail.elt || event.target;
    place(buildAlert(status, html), elt, event.detail.target);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    show(event, xhr.status, xhr.responseText);
  });
  document.addEventListener("htmx:sendError", function (event) { show(event, 0, ""); });
  document.addEventListener("htmx:timeout", function (event) { show(event, 0, ""); });

  // --- Focus after a swap -------------------------------------------------------------------
  var pending = null;

  function isTypingField(element) {
    return element && element.matches && element.matches(
      "input:not([type=button]):not([type=submit]):not([type=reset]):not([type=image]), select, textarea"
    );
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var target = event.detail.target;
    pending = null;
    if (!config.triggeringEvent || !event.detail.shouldSwap) { return; }  // polling, load: leave the focus alone
    var active = document.activeElement;
    if (isTypingField(active) && target && !target.contains(active)) { return; }  // typing in a live search
    pending = { id: target && target.id, target: target, outOfBand: null };
  });

  // An out-of-band part that asks for the focus (e.g. the result banner of a row's action).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!pending || !event.target.matches) { return; }
    var marked = event.target.matches("[data-ec-focus]") ? event.target : event.target.querySelector("[data-ec-focus]");
    if (marked) { pending.outOfBand = marked; }
  });

  function focusable(region) {
    var inside = region.querySelector("[autofocus], [data-ec-focus]") ||
      region.querySelector("[" + ALERT_ATTR + "], .fr-alert, h1, h2, h3, legend");
    var element = inside || region;
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  }

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var region = (pending.id && document.getElementById(pending.id)) || pending.target;
    var outOfBand = pending.outOfBand;
    pending = null;
    if (outOfBand && document.body.contains(outOfBand)) { region = outOfBand; }
    if (!region || !document.body.contains(region)) { return; }
    var element = focusable(region);
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
  });
})();
