// Sends a form in the background, so that the page stays as it is while the server answers:
// an error comes back beside its field with everything typed kept, and a session that ended
// meanwhile is renewed on the spot (sign in, and the same form is sent again). The server
// answers this script in JSON (see src/forms.rs); without the script every form works the same,
// with the error on a page of its own.
(function () {
  if (!window.fetch || !window.URLSearchParams) return;
  var texts = document.getElementById("relogin");

  function clearErrors(form) {
    var old = form.parentNode.querySelectorAll(".field-error");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var bad = form.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < bad.length; j++) {
      bad[j].removeAttribute("aria-invalid");
      bad[j].removeAttribute("aria-describedby");
    }
  }

  // The message goes under the field's label (the form's top when no field is named) and the
  // field takes the focus, so that a screen reader reads the message with it.
  function showError(form, error) {
    var p = document.createElement("p");
    p.className = "field-error";
    p.id = "error-" + (error.field || "form");
    p.setAttribute("role", "alert");
    p.textContent = error.message;
    var field = error.field && form.elements[error.field];
    if (field && field.length && !field.tagName) field = field[0];
    if (field && field.type !== "hidden") {
      (field.closest("label") || field).insertAdjacentElement("afterend", p);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", p.id);
      field.focus();
    } else {
      form.insertAdjacentElement("afterbegin", p);
      p.scrollIntoView({ block: "center" });
    }
  }

  function go(location) {
    var here = window.location.href.split("#")[0];
    var there = new URL(location, window.location.href);
    window.location.assign(there.href);
    // Only the fragment differs: assign() would scroll without showing the saved page.
    if (there.href.split("#")[0] === here) window.location.reload();
  }

  function send(form, submitter) {
    clearErrors(form);
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Lamtheo-Form": "1" },
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        // A page (the form again with a question, a password to hand over): show it.
        return r.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
        });
      }
      return r.json().then(function (answer) {
        if (answer.location) return go(answer.location);
        if (answer.error && answer.error.login) return signInAgain(form, submitter);
        showError(form, answer.error || { message: r.statusText });
      });
    }, function () {
      showError(form, { message: texts.getAttribute("data-offline") });
    });
  }

  // The session ended while the form was being filled: a sign-in box above the form; once
  // signed in, the form gets the new session's token and goes again.
  function signInAgain(form, submitter) {
    var box = texts.content.firstElementChild.cloneNode(true);
    form.insertAdjacentElement("beforebegin", box);
    var user = box.querySelector("input[autocomplete=username]");
    var password = box.querySelector("input[type=password]");
    var said = box.querySelector(".error");
    user.focus();
    box.querySelector("button").addEventListener("click", function () {
      // The sign-in form's own token, with its cookie, from the sign-in page.
      fetch("/login", { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var login = new URLSearchParams();
          login.append("csrf", page.querySelector("input[name=csrf]").value);
          login.append("username", user.value);
          login.append("password", password.value);
          return fetch("/login", {
            method: "POST",
            body: login,
            credentials: "same-origin",
            headers: { "X-Lamtheo-Form": "1" },
          });
        })
        .then(function (r) {
          var csrf = r.headers.get("X-CSRF-Token");
          if (!csrf) {
            return r.json().then(function (answer) {
              said.textContent = (answer.error && answer.error.message) || r.statusText;
              said.hidden = false;
            });
          }
          var tokens = document.querySelectorAll("input[name=csrf]");
          for (var i = 0; i < tokens.length; i++) tokens[i].value = csrf;
          box.remove();
          return send(form, submitter);
        })
        .catch(function () {
          said.textContent = texts.getAttribute("data-offline");
          said.hidden = false;
        });
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || form.method !== "post" || form.enctype === "multipart/form-data") return;
    e.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    send(form, e.submitter).then(function () {
      form.removeAttribute("aria-busy");
    });
  });
})();
