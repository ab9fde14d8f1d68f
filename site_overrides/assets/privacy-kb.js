/* privacy-kb: the copy-link control of each answer.
 * A click (or Enter/Space, since it is a <button>) copies the absolute URL of the answer's own
 * page, /questions/<entry-id>/ (the permanent link with a link preview), resolved against the
 * address the page is read at, and says "Link copied" in a live region. One delegated listener,
 * so it keeps working across Material's instant navigation. */
(function () {
  "use strict";

  function permalink(button) {
    var relative = button.getAttribute("data-kb-permalink");
    if (relative) return new URL(relative, window.location.href).toString();
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = button.getAttribute("data-kb-anchor");
    return url.toString();
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function say(button, message) {
    var status = button.nextElementSibling;
    if (!status || !status.classList.contains("kb-copy-status")) return;
    status.textContent = message;
    window.clearTimeout(status._kbTimer);
    status._kbTimer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.kb-copy-link");
    if (!button) return;
    event.preventDefault();
    var url = permalink(button);
    button.setAttribute("data-kb-url", url);
    copy(url).then(
      function () { say(button, "Link copied"); },
      function () { say(button, "Copy this link: " + url); }
    );
  });
})();
