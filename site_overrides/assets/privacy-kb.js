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

/* privacy-kb: the privacy matrix's chooser, built here from the table's header cells (their
 * type and article, `data-kb-group`), so pages carry only plain table markup. On a wide screen
 * the reader ticks the deployment types to compare (the first four at first), grouped by
 * article; on a phone (the rows are cards there) one type is chosen in a select, or all. The
 * other columns are hidden; the choice is remembered in localStorage and put in the address
 * (?compare=a,b), so a comparison can be shared. Without this script every column shows. */
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 44.9375em)");
  var DEFAULT_COLUMNS = 4;

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (error) { return null; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (error) { /* private mode */ }
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function chooser(columns) {
    var groups = [];
    columns.forEach(function (column) {
      var last = groups[groups.length - 1];
      if (!last || last.title !== column.group) groups.push(last = { title: column.group, columns: [] });
      last.columns.push(column);
    });
    var fieldsets = groups.map(function (group) {
      return element("fieldset", {}, [element("legend", {}, [group.title])].concat(
        group.columns.map(function (column) {
          return element("label", {}, [
            element("input", { type: "checkbox", name: "kb-type", value: column.id }), " " + column.name]);
        })));
    });
    var options = [element("option", { value: "" }, ["All deployment types"])].concat(
      columns.map(function (column) { return element("option", { value: column.id }, [column.name]); }));
    return element("form", { "class": "kb-matrix-chooser", "aria-label": "Deployment types to compare" }, [
      element("details", { "class": "kb-choose-columns" }, [
        element("summary", {}, ["Columns: ", element("span", { "class": "kb-choose-summary" }, []), " (change)"])
      ].concat(fieldsets, [
        element("p", {}, [element("button", { type: "button", "class": "kb-choose-all" }, ["Show all"])])
      ])),
      element("p", { "class": "kb-choose-one" }, [
        element("label", { "for": "kb-matrix-type" }, ["Deployment type"]), " ",
        element("select", { id: "kb-matrix-type" }, options)
      ])
    ]);
  }

  function setup() {
    var table = document.querySelector(".kb-matrix-table");
    if (!table || table.dataset.kbReady) return;
    table.dataset.kbReady = "1";
    var columns = Array.prototype.map.call(table.querySelectorAll("thead th[data-kb-type]"), function (th) {
      return { id: th.getAttribute("data-kb-type"), name: th.textContent.trim(),
               group: th.getAttribute("data-kb-group") || "" };
    });
    var known = columns.map(function (column) { return column.id; });
    var form = chooser(columns);
    table.closest(".kb-matrix").before(form);
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=kb-type]"));
    var select = form.querySelector("select");
    var summary = form.querySelector(".kb-choose-summary");
    // ?compare=a,b in the address (a shared comparison) wins over the remembered choice.
    var shared = new URLSearchParams(window.location.search).get("compare");
    var chosen = (shared ? shared.split(",") : load("kb-matrix-types") || [])
      .filter(function (id) { return known.indexOf(id) >= 0; });
    if (!chosen.length) chosen = known.slice(0, DEFAULT_COLUMNS);
    boxes.forEach(function (box) { box.checked = chosen.indexOf(box.value) >= 0; });
    var one = load("kb-matrix-type");
    select.value = one === "" || known.indexOf(one) >= 0 ? one : known[0];

    function apply() {
      var shown = PHONE.matches
        ? (select.value ? [select.value] : known)
        : boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
      table.querySelectorAll("[data-kb-type]").forEach(function (cell) {
        cell.hidden = shown.indexOf(cell.getAttribute("data-kb-type")) < 0;
      });
      table.style.setProperty("--kb-columns", String(shown.length));
      var names = boxes.filter(function (box) { return box.checked; })
        .map(function (box) { return box.parentNode.textContent.trim(); });
      summary.textContent = names.length === known.length ? "all " + known.length + " deployment types"
        : names.join(", ") + " (" + names.length + " of " + known.length + ")";
    }

    form.addEventListener("change", function (event) {
      if (event.target === select) {
        save("kb-matrix-type", select.value);
      } else {
        var ids = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        save("kb-matrix-types", ids);
        share(ids);
      }
      apply();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector(".kb-choose-all").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = true; });
      save("kb-matrix-types", known);
      share(known);
      apply();
    });

    function share(ids) {  // the address names the comparison, ready to be copied
      var url = new URL(window.location.href);
      url.searchParams.set("compare", ids.join(","));
      window.history.replaceState(window.history.state, "", url.toString());
    }
    if (PHONE.addEventListener) PHONE.addEventListener("change", apply);
    apply();
  }

  // Material's instant navigation swaps pages without a load event: document$ emits per page.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
