// Job page: live stage progress over Server-Sent Events; the page works (static) without it.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.EventSource) return;
  var status = box.dataset.status;
  if (status === "done" || status === "failed") return;
  var source = new EventSource("/jobs/" + box.dataset.id + "/events");
  function set(id, text) { document.getElementById(id).textContent = text; }
  source.addEventListener("job", function (ev) {
    var job = JSON.parse(ev.data);
    set("status", job.status);
    set("stage", job.stage_label || "—");
    set("note", job.note || "");
    var bar = document.getElementById("bar");
    bar.max = job.total || 1;
    bar.value = job.done || 0;
    box.dataset.status = job.status;
    if (job.error) { set("error", job.error); document.getElementById("error").hidden = false; }
    if (job.video_id) {
      document.getElementById("video-link").href = "/v/" + job.video_id;
      document.getElementById("result").hidden = false;
    }
    document.getElementById("retry").hidden = job.status !== "failed";
    if (job.status === "done" || job.status === "failed") source.close();
  });
})();
