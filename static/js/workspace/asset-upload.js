/* Bulk upload: every dropped or chosen file is sent on its own to the
   page's upload address, with a progress bar per file. A kept file joins
   the review list (a row cloned from the page's <template>) with the kinds
   it could become; a refused one says why. Without this script the form
   posts the files at once and the server lists them. */
(function () {
  "use strict";
  var zone = document.querySelector(".ws-dropzone");
  if (!zone) { return; }
  var url = zone.getAttribute("data-upload-url");
  var form = zone.querySelector(".ws-upload-form");
  var input = form.querySelector("input[type=file]");
  var progressList = document.querySelector(".ws-upload-progress");
  var review = document.querySelector(".ws-review");
  var rows = document.querySelector(".ws-review-rows");
  var template = document.getElementById("ws-review-row");
  var counter = 0;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sizeText(bytes) {
    if (bytes < 1024) { return bytes + " bytes"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function showReview() {
    review.classList.toggle("d-none", rows.children.length === 0);
  }

  function addRow(data) {
    counter += 1;
    var row = template.content.firstElementChild.cloneNode(true);
    var id = "new-" + counter;
    row.querySelector(".ws-row-token").value = data.token;
    row.querySelector(".ws-row-name").textContent = data.name;
    row.querySelector(".ws-row-size").textContent = sizeText(data.size);
    row.querySelector(".ws-row-notice").textContent = data.notice || "";
    var title = row.querySelector(".ws-row-title");
    title.value = data.title;
    title.id = "title-" + id;
    var titleLabel = row.querySelector(".ws-row-title-label");
    titleLabel.htmlFor = title.id;
    titleLabel.textContent = "Title for " + data.name;
    var select = row.querySelector(".ws-row-kind");
    select.id = "kind-" + id;
    var kindLabel = row.querySelector(".ws-row-kind-label");
    kindLabel.htmlFor = select.id;
    kindLabel.textContent = "Kind for " + data.name;
    select.textContent = "";
    data.kinds.forEach(function (kind, index) {
      var option = document.createElement("option");
      option.value = kind.key;
      option.textContent = kind.label + (index === 0 ? " (proposed)" : "");
      select.appendChild(option);
    });
    row.querySelector(".ws-row-remove-name").textContent = " " + data.name;
    rows.appendChild(row);
    showReview();
  }

  function upload(file) {
    var item = document.createElement("li");
    item.className = "ws-upload-item mb-2";
    var label = document.createElement("span");
    label.className = "fw-semibold me-2";
    label.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var status = document.createElement("span");
    status.className = "ms-2 small";
    status.textContent = "Uploading…";
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(status);
    progressList.appendChild(item);

    var body = new FormData();
    body.append("file", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { bar.value = Math.round((event.loaded / event.total) * 100); }
    });
    request.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(request.responseText); } catch (error) { data = null; }
      if (data && data.ok) {
        bar.value = 100;
        status.textContent = "Uploaded: check its kind below.";
        item.classList.add("ws-upload-done");
        addRow(data);
      } else {
        item.classList.add("ws-upload-failed");
        status.textContent = "Not uploaded. " + (data && data.error ? data.error : "The server refused it (" + request.status + ").");
      }
    });
    request.addEventListener("error", function () {
      item.classList.add("ws-upload-failed");
      status.textContent = "Not uploaded: the connection failed. Try again.";
    });
    request.send(body);
  }

  function uploadAll(files) {
    Array.prototype.forEach.call(files, upload);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    uploadAll(input.files);
    input.value = "";
  });
  input.addEventListener("change", function () {
    uploadAll(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("ws-dropzone-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("ws-dropzone-active");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files) { uploadAll(event.dataTransfer.files); }
  });
  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".ws-row-remove");
    if (button) {
      button.closest("tr").remove();
      showReview();
    }
  });
  showReview();
})();
