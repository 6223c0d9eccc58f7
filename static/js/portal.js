// Text size and contrast are a person's choice on their own device: kept in localStorage, applied before paint.
(function () {
  var root = document.documentElement;
  var sizes = ["normal", "large", "xlarge"];
  function apply() {
    root.setAttribute("data-text-size", localStorage.getItem("textSize") || "normal");
    root.setAttribute("data-contrast", localStorage.getItem("contrast") || "normal");
    // The button says whether high contrast is on, on every page, not only right after it was pressed.
    document.querySelectorAll("[data-action=contrast]").forEach(function (button) {
      button.setAttribute("aria-pressed", root.getAttribute("data-contrast") === "high" ? "true" : "false");
    });
  }
  apply();
  document.addEventListener("DOMContentLoaded", apply);
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
  // data-poll-every (seconds): keep refreshing at that pace, e.g. the counts of the "Today" page.
  function poll(block) {
    var url = block.getAttribute("data-poll");
    var every = parseInt(block.getAttribute("data-poll-every") || "3", 10) * 1000;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        block.innerHTML = html;
        if (html.indexOf('aria-live="polite"') !== -1) setTimeout(function () { poll(block); }, every);
      })
      .catch(function () { setTimeout(function () { poll(block); }, Math.max(every, 10000)); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(function (block) {
      var every = parseInt(block.getAttribute("data-poll-every") || "2", 10) * 1000;
      setTimeout(function () { poll(block); }, every);
    });
  });
})();

// The report form: offer open reports like the one being typed, and fill in the position when asked.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-similar]");
    if (form) {
      var box = form.querySelector("[data-similar-results]");
      var timer = null;
      var ask = function () {
        var category = form.querySelector("input[name=category]:checked");
        if (!category) return;
        var params = new URLSearchParams({
          category: category.value,
          group: (form.querySelector("[name=group_id]") || {}).value || "",
          q: (form.querySelector("[name=description]") || {}).value || "",
          lat: form.querySelector("[name=latitude]").value,
          lon: form.querySelector("[name=longitude]").value
        });
        fetch(form.getAttribute("data-similar") + "?" + params.toString())
          .then(function (r) { return r.json(); })
          .then(function (data) {
            var list = box.querySelector("ul");
            list.innerHTML = "";
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var a = document.createElement("a");
              a.href = item.url;
              a.textContent = item.code + " (" + item.status + "): " + item.summary;
              li.appendChild(a);
              list.appendChild(li);
            });
            box.hidden = data.results.length === 0;
          });
      };
      form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 600); });
      form.addEventListener("change", ask);
    }
    document.addEventListener("click", function (event) {
      var locate = event.target.closest("[data-action=locate]");
      if (locate && navigator.geolocation) {
        var f = locate.form;
        navigator.geolocation.getCurrentPosition(function (pos) {
          f.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
          f.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
          f.querySelector("[name=share_location]").checked = true;
          f.querySelector("[data-location-status]").textContent = "✓";
        });
      }
      var canned = event.target.closest("[data-canned]");
      if (canned) {
        var text = canned.form.querySelector("textarea[name=text]");
        text.value = canned.getAttribute("data-canned");
      }
    });
  });
})();

// File inputs with data-max-bytes: type and count are checked in the browser before anything is uploaded, photos
// are shrunk to at most data-shrink-to pixels a side (a 12 MB phone photo becomes a few hundred KB, which a slow
// connection sends in seconds), and then the size is checked. The server checks everything again and shrinks
// what arrives whole (without JavaScript, or from a browser that cannot draw the photo).
(function () {
  function matches(file, accept) {
    return accept.split(",").some(function (type) {
      type = type.trim();
      return type.endsWith("/*") ? file.type.indexOf(type.slice(0, -1)) === 0 : file.type === type;
    });
  }

  // The position a phone wrote into a JPEG (EXIF GPS), read before shrinking drops it: the report form offers
  // it to the ward only if the resident ticks "share my location", as the server did with the whole photo.
  function gpsOf(file) {
    if (file.type !== "image/jpeg" || !file.slice) return Promise.resolve(null);
    return file.slice(0, 262144).arrayBuffer().then(function (buffer) {
      var view = new DataView(buffer);
      if (view.getUint16(0) !== 0xffd8) return null;
      var offset = 2;
      while (offset + 10 <= view.byteLength) {
        var marker = view.getUint16(offset);
        if ((marker & 0xff00) !== 0xff00) return null;
        if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return tiffGps(view, offset + 10);
        offset += 2 + view.getUint16(offset + 2);
      }
      return null;
    }).catch(function () { return null; });
  }
  function tiffGps(view, start) {
    var little = view.getUint16(start) === 0x4949;
    function u16(at) { return view.getUint16(start + at, little); }
    function u32(at) { return view.getUint32(start + at, little); }
    function entries(ifd) {
      var found = {};
      for (var i = 0, n = u16(ifd); i < n; i++) found[u16(ifd + 2 + i * 12)] = ifd + 2 + i * 12;
      return found;
    }
    var main = entries(u32(4));
    if (main[0x8825] === undefined) return null;
    var gps = entries(u32(main[0x8825] + 8));
    function degrees(tag) {
      if (gps[tag] === undefined) return null;
      var at = u32(gps[tag] + 8), value = 0;
      for (var i = 0; i < 3; i++) {
        var denominator = u32(at + i * 8 + 4);
        if (!denominator) return null;
        value += u32(at + i * 8) / denominator / Math.pow(60, i);
      }
      return value;
    }
    function ref(tag) { return gps[tag] === undefined ? "" : String.fromCharCode(view.getUint8(start + gps[tag] + 8)); }
    var lat = degrees(2), lon = degrees(4);
    if (lat === null || lon === null || (lat === 0 && lon === 0)) return null;
    return [ref(1) === "S" ? -lat : lat, ref(3) === "W" ? -lon : lon];
  }

  function shrink(file, side) {
    if (!side || !window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1048576) return file;  // small already: sent as it is
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";  // a transparent PNG gets a white, not a black, background as a JPEG
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  // A line under the input, made the first time it is needed: `marker` finds it again.
  function line(input, marker, className, attributes) {
    var found = input.parentNode.querySelector("[" + marker + "]");
    if (!found) {
      found = document.createElement("p");
      found.className = className;
      found.setAttribute(marker, "");
      Object.keys(attributes).forEach(function (name) { found.setAttribute(name, attributes[name]); });
      input.parentNode.appendChild(found);
    }
    return found;
  }
  function note(input) {
    return line(input, "data-file-problem", "error", { role: "alert" });
  }
  function busy(input, on) {
    input.form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.disabled = on;
    });
    var status = line(input, "data-file-status", "muted", { "aria-live": "polite" });
    status.textContent = on ? input.getAttribute("data-shrinking") || "" : "";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var count = parseInt(input.getAttribute("data-max-files"), 10);
    var side = parseInt(input.getAttribute("data-shrink-to") || "0", 10);
    var problems = [];
    var files = Array.prototype.slice.call(input.files);
    if (files.length > count) problems.push(input.getAttribute("data-too-many").replace("%d", count));
    files.forEach(function (file) {
      if (!matches(file, input.getAttribute("accept") || "")) {
        problems.push(input.getAttribute("data-wrong-type").replace("%(name)s", file.name));
      }
    });
    var shown = note(input);
    if (problems.length) {
      shown.textContent = problems.join(" ");
      shown.hidden = false;
      input.value = "";
      return;
    }
    shown.hidden = true;
    busy(input, true);
    var latitude = input.form.querySelector("[name=latitude]");
    var longitude = input.form.querySelector("[name=longitude]");
    Promise.all(files.map(function (file) {
      var located = latitude && longitude && !latitude.value ? gpsOf(file) : Promise.resolve(null);
      return located.then(function (position) {
        if (position && !latitude.value) {
          latitude.value = position[0].toFixed(6);
          longitude.value = position[1].toFixed(6);
        }
        return shrink(file, side);
      });
    })).then(function (ready) {
      busy(input, false);
      ready.forEach(function (file, index) {
        if (file.size > max) {
          problems.push(input.getAttribute("data-too-large").replace("%(name)s", files[index].name)
            .replace("%(mb)d", Math.floor(max / 1048576)));
        }
      });
      if (problems.length) {
        shown.textContent = problems.join(" ");
        shown.hidden = false;
        input.value = "";
        return;
      }
      if (window.DataTransfer && ready.some(function (file, index) { return file !== files[index]; })) {
        var transfer = new DataTransfer();
        ready.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;  // setting files fires no change event: this handler does not run again
      }
    });
  });
})();

// A form with data-upload-progress and a chosen file is sent by XMLHttpRequest, so the page can say how much of
// it has gone: on a slow connection a photo takes many seconds, and a resident who sees nothing moving presses
// again or gives up. The server's answer is then shown as a normal submission would: a redirect is followed, and
// a page (the form again, with its errors and the photos the server kept) replaces this one. If the connection
// drops, nothing on the page is lost and it says so.
(function () {
  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1).replace(".", ",") + " MB" : Math.ceil(bytes / 1024) + " KB";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-progress]") || !window.FormData || event.defaultPrevented) return;
    var chosen = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length;
    });
    var box = form.querySelector("[data-upload]");
    if (!chosen || !box) return;
    event.preventDefault();
    var bar = box.querySelector("progress"), text = box.querySelector("[data-upload-text]");
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    function sending(on) { buttons.forEach(function (button) { button.disabled = on; }); }
    var action = form.getAttribute("action") || window.location.href;
    var request = new XMLHttpRequest();
    request.open("POST", action);
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      bar.value = Math.round((progress.loaded * 100) / progress.total);
      text.textContent = box.getAttribute("data-sending")
        .replace("{done}", size(progress.loaded)).replace("{total}", size(progress.total));
    });
    request.addEventListener("load", function () {
      var answered = (request.responseURL || action).split("#")[0];
      if (answered !== new URL(action, window.location.href).href.split("#")[0]) {
        window.location.assign(answered);  // the report was filed: its page, as after a normal submission
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      sending(false);
      bar.hidden = true;
      text.textContent = box.getAttribute("data-lost");
    });
    box.hidden = false;
    bar.hidden = false;
    bar.value = 0;
    sending(true);
    request.send(new FormData(form));
  });
})();

// Behaviour that pages ask for by attribute, since the Content-Security-Policy allows no inline handlers:
// a select that submits its form when changed, a read-only field that selects itself for copying.
(function () {
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) event.target.select();
  });
})();

// The ward chooser: filter as one types (without accents, as the server does) and sort by distance on asking.
(function () {
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-ward-search]");
    var list = document.querySelector("[data-wards]");
    if (!form || !list) return;
    var input = form.querySelector("input[name=q]");
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      list.querySelectorAll("[data-ward]").forEach(function (item) {
        var name = item.getAttribute("data-name");
        item.hidden = !words.every(function (word) { return name.indexOf(word) !== -1; });
      });
    });
    var near = form.querySelector("[data-action=near-me]");
    if (near && navigator.geolocation && list.querySelector("[data-lat]")) {
      near.hidden = false;
      near.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = position.coords;
          var items = Array.prototype.slice.call(list.querySelectorAll("[data-ward]"));
          function distance(item) {
            if (!item.hasAttribute("data-lat")) return Infinity;
            var dLat = parseFloat(item.getAttribute("data-lat")) - here.latitude;
            var dLon = (parseFloat(item.getAttribute("data-lon")) - here.longitude) * Math.cos(here.latitude * Math.PI / 180);
            return dLat * dLat + dLon * dLon;
          }
          items.sort(function (a, b) { return distance(a) - distance(b); });
          items.forEach(function (item) { list.appendChild(item); });
        });
      });
    }
  });
})();

// After a refused form, the summary of what to fix takes focus, so a screen reader and a thumb both start there.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// Below 600 px every table is a stack of cards (portal.css); each cell carries its column's name, taken here from
// the header row wherever the template did not set one.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("main table").forEach(function (table) {
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headers[index] && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    });
  });
});

// Fields that apply only to some choices (a reason for "rejected", a code for "duplicate") show only then.
// Without JavaScript they all show, and the server says which one was needed.
(function () {
  function reveal(select) {
    select.form.querySelectorAll("[data-show-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-show-for").split(" ").indexOf(select.value) === -1;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-reveals]")) reveal(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-reveals]").forEach(reveal);
    // Filters fold behind one button on a phone; on a wider screen they stay open.
    if (window.innerWidth >= 600) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) { d.open = true; });
    }
  });
})();

// The compose form: how many people each ticked channel reaches, counted again as groups, roles and channels are
// ticked, next to each channel's name; and a small toolbar that writes the bold, list and link marks.
(function () {
  function reach(form) {
    var params = new URLSearchParams();
    ["group_ids", "roles", "channels", "whole_ward"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]:checked").forEach(function (input) {
        params.append(name, input.value);
      });
    });
    fetch(form.getAttribute("data-reach") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        form.querySelectorAll("input[name=channels]").forEach(function (input) {
          // Beside the label, not in it: the checkbox keeps its name ("SMS") for a screen reader.
          var label = input.closest("label") || form.querySelector("label[for='" + input.id + "']");
          var count = form.querySelector("[data-reach-count='" + input.value + "']");
          if (!count) {
            count = document.createElement("span");
            count.className = "muted";
            count.setAttribute("data-reach-count", input.value);
            label.insertAdjacentElement("afterend", count);
          }
          var words = input.checked ? data.words[input.value] : "";
          count.textContent = words ? " — " + words : "";
        });
        var summary = form.querySelector("[data-reach-summary]");
        summary.textContent = data.summary;
        summary.hidden = false;
      });
  }
  function wrap(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end) || placeholder;
    area.setRangeText(before + chosen + after, start, end, "end");
    area.focus();
    return start + before.length + chosen.length;
  }
  function toolbar(area) {
    var bar = document.createElement("div");
    bar.className = "toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", area.getAttribute("data-formatting"));
    [["bold", "B"], ["list", "•"], ["link", "↗"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn secondary small";
      button.setAttribute("data-format", pair[0]);
      button.textContent = pair[1] + " " + area.getAttribute("data-" + pair[0]);
      bar.appendChild(button);
    });
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-format]");
      if (!button) return;
      var kind = button.getAttribute("data-format");
      if (kind === "bold") {
        wrap(area, "**", "**", area.getAttribute("data-bold").toLowerCase());
      } else if (kind === "list") {
        var start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
        var end = area.selectionEnd;
        var lines = area.value.slice(start, end).split("\n").map(function (line) {
          return line.indexOf("- ") === 0 ? line : "- " + line;
        });
        area.setRangeText(lines.join("\n"), start, end, "end");
        area.focus();
      } else if (kind === "link") {
        // The address part is left selected, so that pasting the link replaces it.
        var after = wrap(area, "[", "](https://)", area.getAttribute("data-link-text"));
        area.setSelectionRange(after + 2, after + 10);
      }
    });
    area.parentNode.insertBefore(bar, area);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-toolbar]").forEach(toolbar);
    var form = document.querySelector("form[data-reach]");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[name=group_ids], input[name=roles], input[name=channels], input[name=whole_ward]")) {
        reach(form);
      }
    });
    reach(form);
  });
})();

// A list filtered as one types (without accents), in the page: what was ticked in it stays ticked, because
// nothing is reloaded. The search form still works without a script, by asking the server.
(function () {
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-filter-for]").forEach(function (form) {
      var list = document.querySelector(form.getAttribute("data-filter-for"));
      var input = form.querySelector("input[type=search]");
      if (!list || !input) return;
      function filter() {
        var words = fold(input.value).split(/\s+/).filter(Boolean);
        list.querySelectorAll("[data-name]").forEach(function (item) {
          var name = fold(item.getAttribute("data-name"));
          item.hidden = !words.every(function (word) { return name.indexOf(word) !== -1; });
        });
      }
      form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
      input.addEventListener("input", filter);
    });
  });
})();
