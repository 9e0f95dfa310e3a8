// The running count on an attendance form ("28/30 có mặt"), updated as choices change.
// Without it the form works the same; the page shows the saved count.
(function () {
  var form = document.getElementById("attendance-form");
  var out = document.getElementById("running-count");
  if (!form || !out) return;
  function count() {
    var rows = form.querySelectorAll("tbody tr").length;
    var present = form.querySelectorAll("input[type=radio][value=present]:checked").length;
    out.textContent = present + "/" + rows + " " + out.dataset.present;
  }
  form.addEventListener("change", count);
  count();
})();
