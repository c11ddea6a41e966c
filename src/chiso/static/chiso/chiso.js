/* chiso — the small behaviours of the pages, bound by data attributes.

   The Content-Security-Policy allows no inline script and no inline event handler (onchange=,
   onsubmit= …), so the templates mark elements and this file, loaded by base.html, acts on them.
   Listeners sit on the document: elements that htmx swaps in later behave the same.

   data-autosubmit   on a form or a control: a change submits the form (filters, task status)
   data-navigate     on a select: go to that address followed by the value chosen and "/"
   data-confirm      on a form: ask before sending it (workflow actions, publication)
   data-file-names   on a file input: show the chosen files' names in the element after it
   data-back         on a hidden link: shown when there is a page to go back to, and goes back
                     (the error pages rendered without their request)
   data-unit-search  on a search box before a unit list (the plans' owners: 3,321 communes are not
                     listed): typing asks that address (&q=…) for the matching units' options and
                     puts them in the list, the units already chosen kept and still chosen
*/
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (target.matches("select[data-navigate]")) {
      window.location.href = target.getAttribute("data-navigate") + target.value + "/";
      return;
    }
    if (target.matches("input[type=file][data-file-names]")) {
      var label = target.nextElementSibling;
      if (label) {
        var names = Array.from(target.files || []).map(function (file) { return file.name; });
        label.textContent = names.join(", ") || label.getAttribute("data-empty") || "";
      }
      return;
    }
    var holder = target.closest("[data-autosubmit]");
    if (holder) {
      var form = holder instanceof HTMLFormElement ? holder : target.form;
      if (form) { form.submit(); }
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target instanceof Element ? target.closest("[data-back]") : null;
    if (link) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (window.history.length > 1) {
      document.querySelectorAll("[data-back][hidden]").forEach(function (link) { link.hidden = false; });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    }
  });

  var unitSearchTimers = new WeakMap();

  function unitSearch(input) {
    var select = input.parentElement ? input.parentElement.querySelector("select") : null;
    if (!select) { return; }
    var address = input.getAttribute("data-unit-search");
    address += (address.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value);
    fetch(address, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      var kept = Array.from(select.options).filter(function (option) {
        return option.selected || option.value === "";
      }).map(function (option) { return option.cloneNode(true); });
      var chosen = {};
      kept.forEach(function (option) { if (option.value) { chosen[option.value] = true; } });
      var holder = document.createElement("select");
      holder.innerHTML = html;
      select.innerHTML = "";
      kept.forEach(function (option) { option.selected = option.value !== ""; select.appendChild(option); });
      Array.from(holder.children).forEach(function (node) {
        Array.from(node.querySelectorAll ? node.querySelectorAll("option") : []).forEach(function (option) {
          if (chosen[option.value]) { option.remove(); }
        });
        if (node.tagName !== "OPTGROUP" || node.children.length) { select.appendChild(node); }
      });
      if (!select.multiple && input.value) {  // one unit: the first match is chosen, as one types
        var first = select.querySelector("optgroup option");
        if (first) { first.selected = true; }
      }
    });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-unit-search")) { return; }
    window.clearTimeout(unitSearchTimers.get(target));
    unitSearchTimers.set(target, window.setTimeout(function () { unitSearch(target); }, 250));
  });
})();
