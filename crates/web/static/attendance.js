// An attendance form on a phone: a tap on a person's name switches them between present and
// absent; «như buổi trước» starts from the last meeting's choices; a running count
// ("28/30 có mặt") follows. Without the script the form works the same, by its buttons.
(function () {
  var form = document.getElementById("attendance-form");
  var out = document.getElementById("running-count");
  if (!form || !out) return;
  function count() {
    var rows = form.querySelectorAll("tbody tr").length;
    var present = form.querySelectorAll("input[type=radio][value=present]:checked").length;
    out.textContent = present + "/" + rows + " " + out.dataset.present;
  }
  function choose(row, status) {
    var input = row.querySelector("input[type=radio][value=" + status + "]");
    if (input) input.checked = true;
  }
  form.addEventListener("click", function (e) {
    var name = e.target.closest("tbody th");
    if (!name) return;
    var row = name.parentNode;
    var present = row.querySelector("input[type=radio][value=present]");
    choose(row, present && present.checked ? "absent" : "present");
    count();
  });
  var last = document.getElementById("as-last");
  if (last) {
    last.hidden = false;
    last.addEventListener("click", function () {
      var rows = form.querySelectorAll("tbody tr");
      // Someone new since then starts present, as on a fresh form.
      for (var i = 0; i < rows.length; i++) choose(rows[i], rows[i].dataset.last || "present");
      count();
    });
  }
  form.addEventListener("change", count);
  count();
})();
