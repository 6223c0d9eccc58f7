// Text size and contrast are a person's choice on their own device: kept in localStorage, applied before paint.
(function () {
  var root = document.documentElement;
  var sizes = ["normal", "large", "xlarge"];
  function apply() {
    root.setAttribute("data-text-size", localStorage.getItem("textSize") || "normal");
    root.setAttribute("data-contrast", localStorage.getItem("contrast") || "normal");
  }
  apply();
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) return;
    var action = target.getAttribute("data-action");
    if (action === "text-bigger" || action === "text-smaller") {
      var index = sizes.indexOf(localStorage.getItem("textSize") || "normal");
      index = Math.max(0, Math.min(sizes.length - 1, index + (action === "text-bigger" ? 1 : -1)));
      localStorage.setItem("textSize", sizes[index]);
    } else if (action === "contrast") {
      localStorage.setItem("contrast", root.getAttribute("data-contrast") === "high" ? "normal" : "high");
    } else if (action === "print") {
      window.print();
      return;
    } else {
      return;
    }
    apply();
    target.setAttribute("aria-pressed", root.getAttribute("data-contrast") === "high" ? "true" : "false");
  });
})();

// A block with data-poll refreshes itself from that URL every few seconds while a fan-out is running, and
// stops once the server answers without the "still to go" line.
(function () {
  function poll(block) {
    var url = block.getAttribute("data-poll");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        block.innerHTML = html;
        if (html.indexOf('aria-live="polite"') !== -1) setTimeout(function () { poll(block); }, 3000);
      })
      .catch(function () { setTimeout(function () { poll(block); }, 10000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(function (block) {
      setTimeout(function () { poll(block); }, 2000);
    });
  });
})();
