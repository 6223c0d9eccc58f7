// The leader's recording form on a weak connection. Each entry is put in this phone's outbox (localStorage) before
// it is sent, with the key the server knows it by; it leaves the outbox only when the server has answered. A
// retry after a lost answer sends the same key, which the server records once. The households of the leader's
// groups are kept for the tab's life (sessionStorage: names and addresses do not stay on a shared phone), so a
// household can be found with no connection at all.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var campaign = form.getAttribute("data-campaign");
  var outboxKey = "campaign-outbox-" + campaign;
  var draftKey = "campaign-draft-" + campaign;
  var homesKey = "campaign-households-" + campaign;
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var outbox = document.getElementById("outbox");
  var list = outbox.querySelector("[data-outbox-list]");
  var results = form.querySelector("[data-results]");
  var chosen = form.querySelector("[data-chosen]");
  var search = document.querySelector("[data-household-search]");
  var input = search && search.querySelector("input[type=search]");
  var households = null;
  var sending = false;
  var timer = null;

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function field(name) { return form.elements[name]; }
  function value(name) {
    var el = field(name);
    if (!el) return "";
    if (el.type === "checkbox") return el.checked ? "on" : "";
    return el.value || "";
  }

  // --- finding a household -----------------------------------------------------------------------------------
  function show(found, query) {
    results.textContent = "";
    found.slice(0, 20).forEach(function (h) {
      var li = document.createElement("li");
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio"; radio.name = "household"; radio.value = h.id;
      radio.setAttribute("data-label", h.address + (h.head ? " · " + h.head : ""));
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + h.address + (h.head ? " · " + h.head : "") + " "));
      var small = document.createElement("small");
      small.className = "muted";
      small.textContent = "(" + h.group + (h.given ? " · " + h.given.toLocaleString("vi-VN") + " " + msg("given") : "") + ")";
      label.appendChild(small);
      li.appendChild(label);
      results.appendChild(li);
    });
    chosen.textContent = found.length ? "" : (query ? msg("none") : "");
  }
  function find() {
    var query = fold(input.value);
    if (!query) { show([], ""); return; }
    var words = query.split(" ");
    if (households && households.complete) {
      // As the server orders them: the house whose number is the number typed first (7 before 17 and 27).
      var number = words.filter(function (w) { return /^[0-9]+$/.test(w); })[0];
      var exact = function (h) {
        var a = fold(h.address);
        return number && (a === number || a.indexOf(number + " ") === 0 || a.indexOf(number + "/") === 0) ? 0 : 1;
      };
      show(households.results.filter(function (h) {
        var text = fold(h.address + " " + h.head + " " + (h.people || ""));
        return words.every(function (w) { return text.indexOf(w) !== -1; });
      }).sort(function (x, y) { return exact(x) - exact(y); }), query);
      return;
    }
    fetch(form.getAttribute("data-households-url") + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { show(data.results, query); })
      .catch(function () { chosen.textContent = msg("waiting"); });
  }
  if (search) {
    search.addEventListener("submit", function (event) { event.preventDefault(); find(); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(find, 250); });
  }
  function readSession(key) {
    try { return JSON.parse(sessionStorage.getItem(key)); } catch (e) { return null; }
  }
  households = readSession(homesKey);
  fetch(form.getAttribute("data-households-url") + "?all=1", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) return;
      households = data;
      try { sessionStorage.setItem(homesKey, JSON.stringify(data)); } catch (e) { /* full: search asks the server */ }
    })
    .catch(function () { /* offline: the copy kept from last time serves */ });

  // --- the draft: what is typed survives a reload or a closed tab --------------------------------------------
  var draftFields = ["amount", "receipt_number", "method", "name_public"];
  function saveDraft() {
    var draft = {};
    draftFields.forEach(function (name) { draft[name] = value(name); });
    write(draftKey, draft);
  }
  function restoreDraft() {
    var draft = read(draftKey, null);
    if (!draft) return;
    draftFields.forEach(function (name) {
      var el = field(name);
      if (!el || draft[name] === undefined) return;
      if (el.type === "checkbox") el.checked = draft[name] === "on";
      else if (el.length !== undefined && !el.tagName) {
        Array.prototype.forEach.call(el, function (r) { r.checked = r.value === draft[name]; });
      } else if (!el.value) el.value = draft[name];
    });
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  if (!form.querySelector(".errorlist")) restoreDraft();

  // --- the outbox ----------------------------------------------------------------------------------------------
  function render() {
    var items = read(outboxKey, []);
    outbox.hidden = items.length === 0;
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card";
      li.setAttribute("data-outbox-item", item.key);
      var text = document.createElement("span");
      text.textContent = item.label + (item.fields.amount ? " · " + item.fields.amount : "") + " — " +
        (item.error || (sending ? msg("sending") : msg("waiting")));
      li.appendChild(text);
      if (item.error) {
        [["fix", edit], ["drop", drop]].forEach(function (pair) {
          var button = document.createElement("button");
          button.type = "button"; button.className = "btn small secondary";
          button.textContent = msg(pair[0]);
          button.addEventListener("click", function () { pair[1](item.key); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(button);
        });
      }
      list.appendChild(li);
    });
  }
  function remove(key) { write(outboxKey, read(outboxKey, []).filter(function (i) { return i.key !== key; })); }
  function drop(key) { remove(key); render(); }
  // The typed values of an entry put back into the form.
  function fill(fields) {
    draftFields.forEach(function (name) {
      var el = field(name);
      if (!el) return;
      if (el.type === "checkbox") el.checked = fields[name] === "on";
      else if (el.length !== undefined && !el.tagName) {
        Array.prototype.forEach.call(el, function (r) { r.checked = r.value === fields[name]; });
      } else el.value = fields[name] || "";
    });
  }
  function edit(key) {
    var item = read(outboxKey, []).filter(function (i) { return i.key === key; })[0];
    if (!item) return;
    remove(key);
    fill(item.fields);
    render();
    field("amount") && field("amount").focus();
  }
  function recent(item) {
    var ul = document.querySelector("[data-recent]");
    if (!ul) return;
    var empty = ul.querySelector("li.muted");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "card";
    li.textContent = item.label + (item.fields.amount ? " · " + item.fields.amount : "") + " — " + msg("sent");
    ul.insertBefore(li, ul.firstChild);
  }
  function flush() {
    if (sending) return;
    var items = read(outboxKey, []).filter(function (i) { return !i.error; });
    if (!items.length) { render(); return; }
    sending = true;
    render();
    var item = items[0];
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", value("csrfmiddlewaretoken"));
    body.append("key", item.key);
    Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
    fetch(form.action || window.location.pathname, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": value("csrfmiddlewaretoken") },
    }).then(function (response) {
      if (response.redirected || response.status === 302) throw new Error("login");
      return response.json().then(function (data) { return { status: response.status, data: data }; },
        function () { throw new Error(response.status >= 500 ? "server" : "login"); });
    }).then(function (answer) {
      sending = false;
      if (answer.status === 200 || answer.status === 201) {
        remove(item.key);
        recent(item);
        flush();
        return;
      }
      // Refused (the connection was fine): the entry goes back into the form as it was typed, each error at
      // its field; nothing is said of the connection.
      remove(item.key);
      restore(item);
      showErrors(answer.data.errors || { __all__: [{ message: String(answer.status) }] });
      render();
      flush();
    }).catch(function (error) {
      sending = false;
      var note = outbox.querySelector("[data-outbox-note]");
      if (error && error.message === "login") note.textContent = msg("login");
      render();
      setTimeout(flush, 15000);
    });
  }
  // --- errors at their fields ----------------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll("[data-field-error]").forEach(function (p) { p.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    clearErrors();
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var texts = (errors[name] || []).map(function (e) { return e.message || e; }).join(" ");
      var el = name === "household" ? results : field(name);
      if (!el || el.length !== undefined && !el.tagName) el = form.querySelector("button[type=submit]");
      var p = document.createElement("p");
      p.className = "error"; p.setAttribute("data-field-error", name); p.id = "error-" + name;
      p.textContent = texts;
      el.parentNode.insertBefore(p, el);
      if (el.tagName === "INPUT") { el.setAttribute("aria-invalid", "true"); el.setAttribute("aria-describedby", p.id); }
      first = first || el;
    });
    if (first) { first.scrollIntoView({ block: "center" }); if (first.focus) first.focus(); }
  }
  function restore(item) {
    results.textContent = "";
    var li = document.createElement("li");
    var label = document.createElement("label");
    var radio = document.createElement("input");
    radio.type = "radio"; radio.name = "household"; radio.value = item.fields.household; radio.checked = true;
    radio.setAttribute("data-label", item.label);
    label.appendChild(radio);
    label.appendChild(document.createTextNode(" " + item.label));
    li.appendChild(label);
    results.appendChild(li);
    chosen.textContent = "";
    field("key").value = item.key;
    fill(item.fields);
  }
  // The same whole numbers the server reads ("500.000", "500 000", "500000đ"): checked before the entry is kept,
  // so a typing slip is said at once, at the field, with everything typed still there.
  var WHOLE = /^-?([0-9]{1,15}|[1-9][0-9]{0,2}([., \u00a0\u202f])[0-9]{3}(\2[0-9]{3}){0,4})\s*(đồng|đ|vnđ|vnd|d)?\.?$/i;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var picked = form.querySelector("input[name=household]:checked");
    if (!picked) {
      showErrors({ household: [msg("choose")] });
      if (input) input.focus();
      return;
    }
    var amount = field("amount");
    if (amount && form.getAttribute("data-unit") === "vnd" && !WHOLE.test(amount.value.trim())) {
      showErrors({ amount: [amount.value.trim() ? msg("whole") : msg("amount")] });
      return;
    }
    clearErrors();
    var fields = { household: picked.value };
    draftFields.forEach(function (name) { fields[name] = value(name); });
    var items = read(outboxKey, []);
    items.push({ key: value("key"), fields: fields, label: picked.getAttribute("data-label") || picked.parentNode.textContent.trim() });
    write(outboxKey, items);
    // The next entry gets its own key; the typed values are cleared for it.
    field("key").value = newKey();
    ["amount", "receipt_number"].forEach(function (name) { if (field(name)) field(name).value = ""; });
    if (field("name_public")) field("name_public").checked = false;
    localStorage.removeItem(draftKey);
    results.textContent = "";
    if (input) { input.value = ""; input.focus(); }
    flush();
  });
  window.addEventListener("online", flush);
  render();
  flush();
})();
