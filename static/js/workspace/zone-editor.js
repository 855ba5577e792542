// The zone editor: draw, move and resize zones over server-rendered pages of
// a designed PDF or an image; validate against the layout JSON Schema the
// server serves (with the vendored @cfworker/json-schema); save as JSON.
// No inline scripts or styles (CSP): data comes from a JSON script element,
// positions are set through element.style.
(function () {
  "use strict";

  var root = document.getElementById("zone-editor");
  if (!root) return;

  var data = JSON.parse(document.getElementById("zone-editor-data").textContent);
  var unit = data.unit; // "mm" or "px"
  var pages = data.pages;
  var isPdf = unit === "mm";
  var STEP = 1;
  var BIG_STEP = 10;
  var TYPE_NAMES = { text: "Text", logo: "Logo", image: "Picture", qr: "QR code" };
  var QR_TARGETS = [
    ["partner.qr", "The partner's landing page or referral link"],
    ["partner.referral_url", "The referral link"],
    ["partner.website", "The partner's website"],
  ].concat(data.fields.map(function (name) { return [name, "Field “" + name.slice(6) + "”"]; }));

  var state = {
    layout: clone(data.layout || []),
    selected: null,
    page: 1,
    version: data.version,
  };
  var history = [];
  var committed = JSON.stringify(state.layout);
  var schemaValidator = null;
  var serverErrors = []; // [{zone, message}] from the last save, until the next change

  var $ = function (id) { return document.getElementById(id); };
  var stage = $("ze-stage");
  var overlay = $("ze-zones");
  var pageImage = $("ze-page-image");
  var list = $("ze-list");
  var props = $("ze-props");

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  function round(value) {
    return isPdf ? Math.round(value * 10) / 10 : Math.round(value);
  }

  function pageSize(number) {
    var page = pages[(number || 1) - 1] || pages[0];
    return { width: page.width, height: page.height };
  }

  // --- pages ---------------------------------------------------------------

  function zonePages(zone) {
    var page = zone.page === undefined ? "first" : zone.page;
    if (!isPdf) return [1];
    if (page === "all") return pages.map(function (p) { return p.number; });
    if (page === "first") return [1];
    if (Array.isArray(page)) return page.slice();
    return [page];
  }

  function onPage(zone, number) {
    return zonePages(zone).indexOf(number) !== -1;
  }

  function pageText(zone) {
    if (!isPdf) return "";
    var page = zone.page === undefined ? "first" : zone.page;
    if (page === "all") return "all pages";
    if (page === "first") return "first page";
    if (Array.isArray(page)) return "pages " + page.join(", ");
    return "page " + page;
  }

  function parsePageList(text) {
    var numbers = [];
    var parts = text.split(",");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (!part) continue;
      var range = part.match(/^(\d+)\s*-\s*(\d+)$/);
      if (range) {
        var from = Number(range[1]), to = Number(range[2]);
        if (from > to || to - from > 1000) return null;
        for (var n = from; n <= to; n++) numbers.push(n);
      } else if (/^\d+$/.test(part)) {
        numbers.push(Number(part));
      } else {
        return null;
      }
    }
    numbers = numbers.filter(function (n, index) { return numbers.indexOf(n) === index; });
    numbers.sort(function (a, b) { return a - b; });
    if (!numbers.length) return null;
    return numbers.length === 1 ? numbers[0] : numbers;
  }

  function showPage(number) {
    state.page = number;
    var page = pages[number - 1];
    stage.style.aspectRatio = page.width + " / " + page.height;
    pageImage.src = page.src;
    pageImage.alt = "Page " + number + " of the base" + (isPdf ? "" : " (the image)");
    var heading = $("ze-page-heading");
    heading.textContent = isPdf ? "Page " + number + " of " + pages.length : "The image";
    document.querySelectorAll(".ze-strip-page").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.page) === number));
    });
    renderStage();
  }

  // --- history -------------------------------------------------------------

  // Call after every finished change: one undo step per change.
  function commit() {
    var now = JSON.stringify(state.layout);
    if (now === committed) return;
    history.push(committed);
    if (history.length > 200) history.shift();
    committed = now;
    serverErrors = [];
    refresh();
  }

  function undo() {
    if (!history.length) return;
    committed = history.pop();
    state.layout = JSON.parse(committed);
    if (state.selected !== null && state.selected >= state.layout.length) {
      state.selected = state.layout.length ? state.layout.length - 1 : null;
    }
    serverErrors = [];
    refresh();
    status("Undone.");
  }

  // --- new zones -------------------------------------------------------------

  function newZone(type, box) {
    var zone = { type: type, box: box };
    if (isPdf && pages.length > 1) zone.page = state.page === 1 ? "first" : state.page;
    if (type === "text") {
      zone.content = "{partner.name}";
      zone.size = isPdf ? 12 : 32;
      zone.min_size = isPdf ? 8 : 20;
      zone.font = "sans";
      zone.color = "#000000";
      zone.align = "left";
    } else if (type === "image") {
      zone.resource = data.resources[0] || "";
    } else if (type === "qr") {
      zone.target = "partner.qr";
    }
    return zone;
  }

  function addZone(zone) {
    state.layout.push(zone);
    state.selected = state.layout.length - 1;
    commit();
    focusZone(state.selected);
    status(zoneName(state.selected) + " added.");
  }

  function zoneName(index) {
    var zone = state.layout[index];
    var name = "Zone " + (index + 1) + " (" + (TYPE_NAMES[zone.type] || zone.type) + ")";
    return zone.label ? name + " “" + zone.label + "”" : name;
  }

  // --- drawing, moving, resizing ---------------------------------------------

  function unitsPerPixel() {
    var rect = overlay.getBoundingClientRect();
    var size = pageSize(state.page);
    return { x: size.width / rect.width, y: size.height / rect.height, rect: rect };
  }

  function clampBox(box) {
    var size = pageSize(state.page);
    box.width = Math.min(Math.max(box.width, isPdf ? 1 : 2), size.width);
    box.height = Math.min(Math.max(box.height, isPdf ? 1 : 2), size.height);
    box.x = Math.min(Math.max(box.x, 0), size.width - box.width);
    box.y = Math.min(Math.max(box.y, 0), size.height - box.height);
    ["x", "y", "width", "height"].forEach(function (key) { box[key] = round(box[key]); });
    return box;
  }

  var drag = null;

  overlay.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    var scale = unitsPerPixel();
    var px = (event.clientX - scale.rect.left) * scale.x;
    var py = (event.clientY - scale.rect.top) * scale.y;
    var handle = event.target.closest(".ze-handle");
    var zoneEl = event.target.closest(".ze-zone");
    if (zoneEl) {
      var index = Number(zoneEl.dataset.index);
      select(index, false);
      drag = {
        mode: handle ? handle.dataset.handle : "move",
        index: index,
        start: { x: px, y: py },
        box: clone(state.layout[index].box),
      };
    } else {
      drag = { mode: "draw", start: { x: px, y: py }, ghost: document.createElement("div") };
      drag.ghost.className = "ze-ghost";
      overlay.appendChild(drag.ghost);
    }
    overlay.setPointerCapture(event.pointerId);
    event.preventDefault();
  });

  overlay.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var scale = unitsPerPixel();
    var size = pageSize(state.page);
    var px = Math.min(Math.max((event.clientX - scale.rect.left) * scale.x, 0), size.width);
    var py = Math.min(Math.max((event.clientY - scale.rect.top) * scale.y, 0), size.height);
    var dx = px - drag.start.x, dy = py - drag.start.y;
    if (drag.mode === "draw") {
      drag.box = {
        x: Math.min(px, drag.start.x), y: Math.min(py, drag.start.y),
        width: Math.abs(dx), height: Math.abs(dy),
      };
      place(drag.ghost, drag.box);
      return;
    }
    var box = clone(drag.box);
    if (drag.mode === "move") {
      box.x += dx;
      box.y += dy;
    } else {
      if (drag.mode.indexOf("w") !== -1) { box.x += dx; box.width -= dx; }
      if (drag.mode.indexOf("e") !== -1) { box.width += dx; }
      if (drag.mode.indexOf("n") !== -1) { box.y += dy; box.height -= dy; }
      if (drag.mode.indexOf("s") !== -1) { box.height += dy; }
      if (box.width < 0) { box.x += box.width; box.width = -box.width; }
      if (box.height < 0) { box.y += box.height; box.height = -box.height; }
    }
    state.layout[drag.index].box = clampBox(box);
    renderStage();
    fillProps();
  });

  function endDrag(event) {
    if (!drag) return;
    var finished = drag;
    drag = null;
    if (overlay.hasPointerCapture(event.pointerId)) overlay.releasePointerCapture(event.pointerId);
    if (finished.mode === "draw") {
      finished.ghost.remove();
      var scale = unitsPerPixel();
      var box = finished.box;
      if (box && box.width / scale.x >= 4 && box.height / scale.y >= 4) {
        addZone(newZone($("ze-new-type").value, clampBox(clone(box))));
      } else {
        select(null);
      }
      return;
    }
    commit();
    focusZone(finished.index);
  }

  overlay.addEventListener("pointerup", endDrag);
  overlay.addEventListener("pointercancel", endDrag);

  function place(element, box) {
    var size = pageSize(state.page);
    element.style.left = (box.x / size.width) * 100 + "%";
    element.style.top = (box.y / size.height) * 100 + "%";
    element.style.width = (box.width / size.width) * 100 + "%";
    element.style.height = (box.height / size.height) * 100 + "%";
  }

  // --- keyboard --------------------------------------------------------------

  function nudge(index, key, big) {
    var step = big ? BIG_STEP : STEP;
    var box = clone(state.layout[index].box);
    if (key === "ArrowLeft") box.x -= step;
    if (key === "ArrowRight") box.x += step;
    if (key === "ArrowUp") box.y -= step;
    if (key === "ArrowDown") box.y += step;
    state.layout[index].box = clampBox(box);
    commit();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var editing = target.closest("input, textarea, select");
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
      if (editing) return; // the field's own undo
      event.preventDefault();
      undo();
      return;
    }
    var onZone = target.closest(".ze-zone, .ze-list-item");
    if (!onZone) return;
    if (event.key.indexOf("Arrow") === 0) {
      event.preventDefault();
      if (state.selected !== Number(onZone.dataset.index)) select(Number(onZone.dataset.index), false);
      nudge(state.selected, event.key, event.shiftKey);
      var box = state.layout[state.selected].box;
      status(zoneName(state.selected) + " at " + box.x + ", " + box.y + " " + unit + ".");
    } else if ((event.key === "Delete" || event.key === "Backspace") && target.closest(".ze-zone")) {
      event.preventDefault();
      deleteSelected();
    }
  });

  // --- selection and rendering -----------------------------------------------

  function select(index, focus) {
    state.selected = index;
    if (index !== null && !onPage(state.layout[index], state.page)) {
      showPage(zonePages(state.layout[index]).filter(function (n) { return n <= pages.length; })[0] || 1);
    }
    refresh();
    if (focus) focusZone(index);
  }

  function focusZone(index) {
    var element = overlay.querySelector('.ze-zone[data-index="' + index + '"]');
    if (element) element.focus();
  }

  function problemsByZone() {
    var found = {};
    currentProblems().forEach(function (problem) {
      var key = problem.zone === null || problem.zone === undefined ? "layout" : problem.zone;
      (found[key] = found[key] || []).push(problem.message);
    });
    return found;
  }

  function renderStage() {
    var problems = problemsByZone();
    var active = document.activeElement;
    var focused = active && active.classList.contains("ze-zone") ? Number(active.dataset.index) : null;
    overlay.querySelectorAll(".ze-zone").forEach(function (element) { element.remove(); });
    state.layout.forEach(function (zone, index) {
      if (!onPage(zone, state.page) || !zone.box) return;
      var element = document.createElement("div");
      element.className = "ze-zone ze-zone-" + zone.type;
      if (index === state.selected) element.classList.add("is-selected");
      if (problems[index]) element.classList.add("is-invalid");
      element.dataset.index = index;
      element.tabIndex = 0;
      element.setAttribute("role", "button");
      // The visible label is the accessible name (and says what is wrong).
      var label = document.createElement("span");
      label.className = "ze-zone-label";
      label.textContent = zoneName(index) + (zone.type === "text" && zone.content ? ": " + zone.content : "");
      element.appendChild(label);
      if (problems[index]) {
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = ", has problems";
        element.appendChild(hint);
      }
      if (index === state.selected) {
        ["nw", "ne", "sw", "se"].forEach(function (corner) {
          var handle = document.createElement("span");
          handle.className = "ze-handle ze-handle-" + corner;
          handle.dataset.handle = corner;
          element.appendChild(handle);
        });
      }
      element.addEventListener("focus", function () {
        if (state.selected !== index) select(index, false);
      });
      place(element, zone.box);
      overlay.appendChild(element);
    });
    if (focused !== null) focusZone(focused); // the zone keeps the keyboard after a change
  }

  function renderList() {
    var problems = problemsByZone();
    var focused = document.activeElement && document.activeElement.classList.contains("ze-list-item")
      ? Number(document.activeElement.dataset.index) : null;
    list.textContent = "";
    $("ze-empty").hidden = state.layout.length > 0;
    state.layout.forEach(function (zone, index) {
      var item = document.createElement("li");
      item.className = "list-group-item p-0";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ze-list-item list-group-item-action btn text-start w-100 border-0 rounded-0 px-3 py-2";
      button.dataset.index = index;
      button.setAttribute("aria-pressed", String(index === state.selected));
      if (index === state.selected) button.classList.add("active");
      var title = document.createElement("span");
      title.className = "d-block fw-semibold";
      title.textContent = zoneName(index);
      var detail = document.createElement("span");
      detail.className = "d-block small";
      var box = zone.box || {};
      detail.textContent = [
        pageText(zone),
        box.x + ", " + box.y + " · " + box.width + " × " + box.height + " " + unit,
        zone.type === "text" ? zone.content : "",
      ].filter(Boolean).join(" · ");
      button.appendChild(title);
      button.appendChild(detail);
      if (problems[index]) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-danger";
        badge.textContent = problems[index].length + (problems[index].length === 1 ? " problem" : " problems");
        button.appendChild(badge);
      }
      button.addEventListener("click", function () { select(index, false); });
      item.appendChild(button);
      list.appendChild(item);
    });
    if (focused !== null) {
      var again = list.querySelector('.ze-list-item[data-index="' + focused + '"]');
      if (again) again.focus();
    }
  }

  function setValue(id, value) {
    var element = $(id);
    if (document.activeElement !== element) element.value = value === undefined ? "" : value;
  }

  function fillProps() {
    var zone = state.selected === null ? null : state.layout[state.selected];
    props.hidden = !zone;
    if (!zone) return;
    $("ze-props-heading").textContent = zoneName(state.selected);
    setValue("ze-type", zone.type);
    setValue("ze-label", zone.label || "");
    ["x", "y", "width", "height"].forEach(function (key) { setValue("ze-" + key, zone.box[key]); });
    var page = zone.page === undefined ? "first" : zone.page;
    var mode = page === "first" || page === "all" ? page : "list";
    setValue("ze-page-mode", mode);
    if (mode === "list") setValue("ze-page-list", Array.isArray(page) ? page.join(", ") : String(page));
    $("ze-page-list").disabled = mode !== "list";
    setValue("ze-content", zone.content || "");
    setValue("ze-font", zone.font || "sans");
    setValue("ze-size", zone.size);
    setValue("ze-min-size", zone.min_size === undefined ? zone.size : zone.min_size);
    var colour = zone.color || "#000000";
    setValue("ze-color-mode", colour === "primary" || colour === "secondary" ? colour : "custom");
    if (colour !== "primary" && colour !== "secondary") setValue("ze-color", expandColour(colour));
    $("ze-color").disabled = colour === "primary" || colour === "secondary";
    setValue("ze-variant", zone.variant || "normal");
    setValue("ze-resource", zone.resource || "");
    setValue("ze-target", zone.target || "partner.qr");
    setValue("ze-align", zone.align || (zone.type === "text" ? "left" : "center"));
    setValue("ze-valign", zone.valign || (zone.type === "text" ? "top" : "middle"));
    ["text", "logo", "image", "qr"].forEach(function (type) {
      props.querySelectorAll(".ze-for-" + type).forEach(function (element) {
        element.hidden = zone.type !== type;
      });
    });
    props.querySelectorAll(".ze-pages-only").forEach(function (element) { element.hidden = !isPdf; });
    var errors = $("ze-zone-errors");
    errors.textContent = "";
    (problemsByZone()[state.selected] || []).forEach(function (message) {
      var line = document.createElement("p");
      line.className = "mb-1";
      line.textContent = message;
      errors.appendChild(line);
    });
  }

  function expandColour(colour) {
    if (/^#[0-9a-fA-F]{3}$/.test(colour)) {
      return "#" + colour.slice(1).split("").map(function (c) { return c + c; }).join("");
    }
    return /^#[0-9a-fA-F]{6}$/.test(colour) ? colour.toLowerCase() : "#000000";
  }

  function renderErrors() {
    var problems = currentProblems();
    $("ze-errors").hidden = problems.length === 0;
    var target = $("ze-error-list");
    target.textContent = "";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      if (problem.zone !== null && problem.zone !== undefined && state.layout[problem.zone]) {
        var link = document.createElement("button");
        link.type = "button";
        link.className = "btn btn-link btn-sm p-0 text-start text-danger-emphasis";
        link.textContent = problem.message;
        link.addEventListener("click", function () { select(problem.zone, true); });
        item.appendChild(link);
      } else {
        item.textContent = problem.message;
      }
      target.appendChild(item);
    });
  }

  function refresh() {
    renderStage();
    renderList();
    fillProps();
    renderErrors();
    $("ze-undo").disabled = history.length === 0;
  }

  function status(message) {
    $("ze-status").textContent = message;
  }

  // --- validation ------------------------------------------------------------

  var SKIPPED_KEYWORDS = ["items", "$ref", "properties", "allOf", "if", "then", "prefixItems"];

  function schemaProblems(layout) {
    if (!schemaValidator) return [];
    var result = schemaValidator.validate(layout);
    if (result.valid) return [];
    var seen = {};
    var problems = [];
    result.errors.forEach(function (error) {
      if (SKIPPED_KEYWORDS.indexOf(error.keyword) !== -1) return;
      var path = error.instanceLocation.replace(/^#\/?/, "").split("/").filter(Boolean);
      var index = path.length && /^\d+$/.test(path[0]) ? Number(path[0]) : null;
      var where = index === null ? "Layout" : "Zone " + (index + 1) + (state.layout[index] && TYPE_NAMES[state.layout[index].type] ? " (" + state.layout[index].type + ")" : "");
      var field = path.slice(1).join(".");
      var message;
      if (field === "page" || field.indexOf("page.") === 0) {
        field = "page";
        message = 'page must be "first", "all", a page number (1 or more) or a list of different page numbers.';
      } else if (field === "color") {
        message = "colour must be #rrggbb, primary or secondary.";
      } else if (field === "resource") {
        message = "choose a picture.";
      } else {
        message = error.error;
      }
      var key = index + "|" + field;
      if (seen[key]) return;
      seen[key] = true;
      problems.push({ zone: index, message: where + (field ? ", " + field : "") + ": " + message });
    });
    return problems;
  }

  function extraProblems(layout) {
    var problems = [];
    layout.forEach(function (zone, index) {
      if (!zone || !zone.box) return;
      var name = "Zone " + (index + 1) + " (" + zone.type + ")";
      if (zone.type === "text" && zone.min_size !== undefined && zone.min_size > zone.size) {
        problems.push({ zone: index, message: name + ": min_size (" + zone.min_size + ") is larger than size (" + zone.size + ")." });
      }
      var right = Math.round((zone.box.x + zone.box.width) * 100) / 100;
      var bottom = Math.round((zone.box.y + zone.box.height) * 100) / 100;
      var numbers = zonePages(zone);
      for (var i = 0; i < numbers.length; i++) {
        var page = pages[numbers[i] - 1];
        if (!page) continue;
        var where = isPdf && pages.length > 1 ? "page " + page.number : "the " + (isPdf ? "page" : "image");
        var found = false;
        if (right > page.width + 0.01) {
          problems.push({ zone: index, message: name + ": the box reaches " + right + " " + unit + " from the left edge, but " + where + " is " + page.width + " " + unit + " wide." });
          found = true;
        }
        if (bottom > page.height + 0.01) {
          problems.push({ zone: index, message: name + ": the box reaches " + bottom + " " + unit + " from the top edge, but " + where + " is " + page.height + " " + unit + " tall." });
          found = true;
        }
        if (found) break;
      }
    });
    return problems;
  }

  function currentProblems() {
    if (serverErrors.length) return serverErrors;
    var problems = schemaProblems(state.layout);
    return problems.length ? problems : extraProblems(state.layout);
  }

  // --- the properties panel ----------------------------------------------------

  function selectedZone() {
    return state.selected === null ? null : state.layout[state.selected];
  }

  function fillSelect(select, options) {
    select.textContent = "";
    options.forEach(function (option) {
      var element = document.createElement("option");
      element.value = option[0];
      element.textContent = option[1];
      select.appendChild(element);
    });
  }

  fillSelect($("ze-variable"), data.variables.map(function (v) {
    return [v.name, v.label + " (e.g. " + v.sample.replace(/\n/g, " / ") + ")"];
  }));
  fillSelect($("ze-resource"), data.resources.map(function (name) { return [name, name]; }));
  fillSelect($("ze-target"), QR_TARGETS);

  // Changes from fields apply as typed and make one undo step when the field is left.
  function onField(id, apply) {
    var element = $(id);
    element.addEventListener("input", function () {
      var zone = selectedZone();
      if (!zone) return;
      apply(zone, element);
      serverErrors = [];
      renderStage();
      renderList();
      renderErrors();
    });
    element.addEventListener("change", commit);
  }

  function numberOrKeep(element, fallback) {
    if (element.value === "" || isNaN(element.valueAsNumber)) return fallback;
    return element.valueAsNumber;
  }

  ["x", "y", "width", "height"].forEach(function (key) {
    onField("ze-" + key, function (zone, element) {
      zone.box[key] = round(numberOrKeep(element, zone.box[key]));
    });
    $("ze-" + key).step = isPdf ? "0.1" : "1";
  });
  onField("ze-label", function (zone, element) {
    if (element.value.trim()) zone.label = element.value; else delete zone.label;
  });
  onField("ze-content", function (zone, element) { zone.content = element.value; });
  onField("ze-font", function (zone, element) { zone.font = element.value; });
  onField("ze-size", function (zone, element) { zone.size = numberOrKeep(element, zone.size); });
  onField("ze-min-size", function (zone, element) { zone.min_size = numberOrKeep(element, zone.min_size); });
  onField("ze-color", function (zone, element) { zone.color = element.value; });
  onField("ze-color-mode", function (zone, element) {
    zone.color = element.value === "custom" ? $("ze-color").value : element.value;
    $("ze-color").disabled = element.value !== "custom";
  });
  onField("ze-variant", function (zone, element) { zone.variant = element.value; });
  onField("ze-resource", function (zone, element) { zone.resource = element.value; });
  onField("ze-target", function (zone, element) { zone.target = element.value; });
  onField("ze-align", function (zone, element) { zone.align = element.value; });
  onField("ze-valign", function (zone, element) { zone.valign = element.value; });
  onField("ze-page-mode", function (zone, element) {
    $("ze-page-list").disabled = element.value !== "list";
    if (element.value === "list") {
      zone.page = parsePageList($("ze-page-list").value) || state.page;
      $("ze-page-list").value = Array.isArray(zone.page) ? zone.page.join(", ") : String(zone.page);
    } else {
      zone.page = element.value;
    }
  });
  onField("ze-page-list", function (zone, element) {
    var parsed = parsePageList(element.value);
    element.classList.toggle("is-invalid", parsed === null);
    if (parsed !== null) zone.page = parsed;
  });
  $("ze-page-list").addEventListener("change", function () { fillProps(); });

  $("ze-type").addEventListener("change", function () {
    var zone = selectedZone();
    if (!zone) return;
    var fresh = newZone($("ze-type").value, zone.box);
    if (zone.page !== undefined) fresh.page = zone.page; else delete fresh.page;
    if (zone.label) fresh.label = zone.label;
    state.layout[state.selected] = fresh;
    commit();
  });

  $("ze-insert").addEventListener("click", function () {
    var zone = selectedZone();
    if (!zone || zone.type !== "text") return;
    var area = $("ze-content");
    var text = "{" + $("ze-variable").value + "}";
    var start = area.selectionStart === undefined ? area.value.length : area.selectionStart;
    var end = area.selectionEnd === undefined ? area.value.length : area.selectionEnd;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    zone.content = area.value;
    commit();
    area.focus();
    area.setSelectionRange(start + text.length, start + text.length);
  });

  function deleteSelected() {
    if (state.selected === null) return;
    var name = zoneName(state.selected);
    state.layout.splice(state.selected, 1);
    state.selected = null;
    commit();
    status(name + " deleted. Undo brings it back.");
    $("ze-undo").focus();
  }

  $("ze-delete").addEventListener("click", deleteSelected);
  $("ze-undo").addEventListener("click", undo);
  $("ze-add").addEventListener("click", function () {
    var size = pageSize(state.page);
    var box = clampBox({ x: size.width / 4, y: size.height / 4, width: size.width / 2, height: size.height / 8 });
    addZone(newZone($("ze-new-type").value, box));
  });
  document.querySelectorAll(".ze-strip-page").forEach(function (button) {
    button.addEventListener("click", function () { showPage(Number(button.dataset.page)); });
  });

  // --- saving ----------------------------------------------------------------

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  $("ze-save").addEventListener("click", function () {
    serverErrors = [];
    var problems = currentProblems();
    if (problems.length) {
      refresh();
      status("Not saved: fix the problems listed first.");
      return;
    }
    var button = $("ze-save");
    button.disabled = true;
    status("Saving…");
    fetch(root.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ layout: state.layout, version: state.version }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          state.version = result.body.version;
          status(result.body.message);
        } else {
          serverErrors = result.body.errors || [{ zone: null, message: "The layout was not saved." }];
          status("Not saved: " + serverErrors.length + (serverErrors.length === 1 ? " problem." : " problems."));
        }
        refresh();
      })
      .catch(function () {
        status("Not saved: the server could not be reached. Try again.");
      })
      .finally(function () { button.disabled = false; });
  });

  // --- start -----------------------------------------------------------------

  showPage(1);
  refresh();
  Promise.all([
    import(root.dataset.validatorUrl),
    fetch(root.dataset.schemaUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
  ])
    .then(function (loaded) {
      schemaValidator = new loaded[0].Validator(loaded[1], "2020-12", false);
      root.dataset.ready = "true";
      refresh();
    })
    .catch(function () {
      root.dataset.ready = "true";
      status("The layout schema could not be loaded: the server still checks the zones when you save.");
    });
})();
