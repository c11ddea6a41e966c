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
})();
