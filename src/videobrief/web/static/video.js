// Video page: timestamps seek the player; the segment being spoken is highlighted and kept in view.
(function () {
  "use strict";
  var player = document.getElementById("player");
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.transcript li[data-start]"));
  var starts = items.map(function (li) { return parseFloat(li.dataset.start); });
  var current = null;

  function seek(t) {
    if (!player || isNaN(t)) return;
    player.currentTime = t;
    highlight(t, true);
  }

  function indexAt(t) {  // last segment starting at or before t (binary search)
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function highlight(t, force) {
    var i = indexAt(t);
    var li = i >= 0 ? items[i] : null;
    if (li === current && !force) return;
    if (current) current.classList.remove("current");
    current = li;
    if (li) {
      li.classList.add("current");
      li.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.time[data-t]");
    if (!link || !player) return;
    ev.preventDefault();
    var t = parseFloat(link.dataset.t);
    seek(t);
    share(t, link.hash);
  });

  // The address always names the last seek (and the speaker filter), so a shared link opens
  // where the reader is, showing what they see.
  function share(t, hash) {
    if (isNaN(t)) return;
    var i = indexAt(t);
    var anchor = hash || (i >= 0 ? "#" + items[i].id : "");
    history.replaceState(null, "", address({ t: t.toFixed(2) }) + anchor);
  }

  function address(changes) {
    var params = new URLSearchParams(location.search);
    Object.keys(changes).forEach(function (k) {
      if (changes[k]) params.set(k, changes[k]); else params.delete(k);
    });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  // Speaker filter: the server already sent other speakers' segments hidden for ?speaker=;
  // here the same filter is applied in place, without a reload.
  var filter = document.querySelector("form.speaker-filter");
  var select = filter && filter.querySelector("select[name=speaker]");
  var note = filter && filter.querySelector(".filter-note");

  function showOnly(label) {
    items.forEach(function (li) { li.hidden = !!label && li.dataset.speaker !== label; });
    if (select) select.value = label;
    if (note) {
      note.hidden = !label;
      var option = select && select.selectedOptions[0];
      if (label && option) note.firstChild.textContent = "Only " + option.textContent + "'s segments are shown. ";
    }
    history.replaceState(null, "", address({ speaker: label }) + "#transcript");
  }

  if (select) {
    select.addEventListener("change", function () { showOnly(select.value); });
    filter.addEventListener("submit", function (ev) { ev.preventDefault(); showOnly(select.value); });
  }
  document.addEventListener("click", function (ev) {
    var only = ev.target.closest && ev.target.closest("a.only[data-speaker], a.show-all");
    if (!only || !select) return;
    ev.preventDefault();
    showOnly(only.dataset.speaker || "");
    document.getElementById("transcript").scrollIntoView({ block: "start" });
  });

  if (player) {
    player.addEventListener("timeupdate", function () { highlight(player.currentTime, false); });
    player.addEventListener("seeked", function () {
      highlight(player.currentTime, false);
      share(player.currentTime, "");
    });
    var t = parseFloat(new URLSearchParams(location.search).get("t"));
    if (!isNaN(t)) {
      var go = function () { seek(t); };
      if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, { once: true });
      highlight(t, true);
    }
  }
})();
