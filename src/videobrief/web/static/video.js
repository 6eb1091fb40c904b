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

  // The address always names the last seek, so a shared link opens where the reader is.
  function share(t, hash) {
    if (isNaN(t)) return;
    var i = indexAt(t);
    var anchor = hash || (i >= 0 ? "#" + items[i].id : "");
    history.replaceState(null, "", location.pathname + "?t=" + t.toFixed(2) + anchor);
  }

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
