// The search page with htmx. Without JavaScript the form works as a plain GET form and
// the filters are a plain disclosure (<details>), closed until opened.
//
// - On wide screens the filters' disclosure is opened (the stylesheet then hides its
//   toggle): there the filters sit beside the results. An htmx update leaves the
//   disclosure in place (only its filter groups are replaced), so it stays as it was.
// - The result column says it is updating (aria-busy) while a request is under way.
// - After an update the status region announces the number of vacancies found, and
//   only that. After moving to another page of results, or pressing "Show results"
//   (which on a narrow screen also closes the filters), the focus goes to the result
//   count instead, which is then read out.
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 56rem)");
  var focusCount = false;

  function byId(id) {
    return document.getElementById(id);
  }

  function openFiltersOnWideScreens() {
    var panel = byId("filter-panel");
    if (panel && WIDE.matches) {
      panel.open = true;
    }
  }

  openFiltersOnWideScreens();
  WIDE.addEventListener("change", openFiltersOnWideScreens);
  document.addEventListener("htmx:historyRestore", openFiltersOnWideScreens);

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.id === "show-results") {
      focusCount = true;
      var panel = byId("filter-panel");
      if (panel && !WIDE.matches) {
        // Folded at once, not with the stylesheet's 0.4 s slide: the result count is
        // focused (and scrolled to) when the results arrive, which can be before a slide
        // ends, and the rest of the slide would then carry the count off the screen.
        panel.setAttribute("data-instant", "");
        panel.open = false;
        void panel.offsetHeight;
        panel.removeAttribute("data-instant");
      }
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (source && source.closest && source.closest(".ds-pagination")) {
      focusCount = true;
    }
    var column = byId("results-main");
    if (column) {
      column.setAttribute("aria-busy", "true");
    }
  });

  // Also after a failed or aborted request; after a swap the column is a new one.
  document.addEventListener("htmx:afterRequest", function () {
    var column = byId("results-main");
    if (column && !document.querySelector(".htmx-request")) {
      column.removeAttribute("aria-busy");
    }
  });

  // htmx keeps a copy of the page for the Back button just before the update: not one
  // marked as updating, nor with the last announcement in it.
  document.addEventListener("htmx:beforeHistorySave", function () {
    var column = byId("results-main");
    var status = byId("search-status");
    if (column) {
      column.removeAttribute("aria-busy");
    }
    if (status) {
      status.textContent = "";
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.target || event.target.id !== "results-main") {
      return;
    }
    var count = byId("result-count");
    var status = byId("search-status");
    if (!count) {
      return;
    }
    if (focusCount) {
      focusCount = false;
      if (status) {
        status.textContent = "";
      }
      count.focus();
    } else if (status) {
      status.textContent = count.textContent.trim();
    }
  });
})();
