// The search page with htmx: the results region says when it is updating, and after
// moving to another page of results the focus goes to the result count (the link that
// was followed is gone). Without JavaScript the form works as a plain GET form.
(function () {
  "use strict";

  function results() {
    return document.getElementById("results");
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var region = results();
    if (region) {
      region.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var region = results();
    if (region) {
      region.removeAttribute("aria-busy");
    }
    var source = event.detail && event.detail.elt;
    if (source && source.closest && source.closest(".ds-pagination")) {
      var count = document.getElementById("result-count");
      if (count) {
        count.focus();
      }
    }
  });

  document.addEventListener("htmx:responseError", function () {
    var region = results();
    if (region) {
      region.removeAttribute("aria-busy");
    }
  });
})();
