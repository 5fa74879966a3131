// Nothing typed is lost (issue 10, point 3), on every page with forms:
//
// - A save that fails (logged out, refused, server error, no answer, timeout) says so in the
//   form it came from, role=alert, and leaves what was typed where it is. When the session has
//   run out, the message offers the login page in a new tab (the server names it in
//   X-Login-Url, see valdprogram/middleware.py); afterwards the same save works, because every
//   request takes the CSRF token from the cookie, which the new login has just rotated.
// - A form whose fields differ from what the page was drawn with, or that came back unsaved
//   from the server (data-unsaved), is marked "Inte sparat" in text. Sending a whole-page form
//   (the summary, an own item, an upload) or following a link marked data-leaves ("Skicka
//   in") while other forms hold unsaved text is
//   stopped with a list of them: save them all (rows with htmx, whole-page forms in the
//   background, one after another) and go on, or go on knowingly without them. Leaving the page with unsaved text asks first (beforeunload).
//
// Without JavaScript none of this runs; the forms work as plain forms.
(function () {
  "use strict";

  var CSRF_COOKIE = "csrftoken"; // Django's CSRF_COOKIE_NAME, the default
  var LOGIN_PATH = "/konto/logga-in/"; // where LoginRequiredMiddleware sends a plain POST
  var KEPT = " Det du skrev finns kvar här.";
  var allowLeaving = null; // the form being sent
  var consented = false; // the user chose to go on without the unsaved changes

  // --- CSRF token: always the current one -----------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + CSRF_COOKIE + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (!token) {
      return;
    }
    event.detail.headers["X-CSRFToken"] = token;
    // Django reads the form's field before the header: it must be fresh too.
    if (event.detail.parameters.has && event.detail.parameters.has("csrfmiddlewaretoken")) {
      event.detail.parameters.set("csrfmiddlewaretoken", token);
    }
  });

  function refreshToken(form) {
    var token = csrfToken();
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && field) {
      field.value = token;
    }
  }

  // --- Messages in the form -------------------------------------------------------------

  function lastButton(form) {
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    return buttons.length ? buttons[buttons.length - 1] : null;
  }

  // The form's child that holds its last button (the button may sit in a wrapper such as
  // .row-actions): messages go just before it, or at the end when there is none.
  function beforeButtons(form) {
    var node = lastButton(form) || form.querySelector("a[data-leaves]");
    while (node && node.parentNode !== form) {
      node = node.parentNode;
    }
    return node;
  }

  function clearAlert(form) {
    var old = form.querySelector(".save-alert");
    if (old) {
      old.remove();
    }
  }

  function showAlert(form, build) {
    clearAlert(form);
    var box = document.createElement("div");
    box.className = "save-alert";
    box.setAttribute("role", "alert");
    build(box);
    form.insertBefore(box, beforeButtons(form));
    return box;
  }

  function paragraph(box, text) {
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    return p;
  }

  function plainText(xhr) {
    var type = (xhr.getResponseHeader("Content-Type") || "").toLowerCase();
    var text = (xhr.responseText || "").trim();
    return type.indexOf("text/plain") === 0 && text.length < 300 ? text : "";
  }

  function failureText(xhr) {
    var status = xhr.status;
    var reason = plainText(xhr);
    if (status === 403) {
      return "Det här sparades inte: " + (reason || "servern nekade ändringen.") + KEPT;
    }
    if (status === 404) {
      return "Det här sparades inte: " + (reason || "det finns inte längre.") + KEPT;
    }
    if (status >= 500) {
      return (
        "Det här sparades inte, för ett fel uppstod hos servern (felkod " + status + ")." +
        KEPT + " Försök igen om en stund."
      );
    }
    return "Det här sparades inte (felkod " + status + "). " + reason + KEPT;
  }

  function formOf(event) {
    var elt = event.detail && event.detail.elt;
    return elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event);
    if (form) {
      clearAlert(form);
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var form = formOf(event);
    var xhr = event.detail.xhr;
    if (!form) {
      return;
    }
    if (xhr.status === 401) {
      showAlert(form, function (box) {
        var p = paragraph(box, "Du har blivit utloggad, så det här sparades inte." + KEPT + " ");
        var link = document.createElement("a");
        link.href = xhr.getResponseHeader("X-Login-Url") || "/konto/logga-in/";
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "Logga in i en ny flik";
        p.appendChild(link);
        p.appendChild(document.createTextNode(", kom sedan tillbaka hit och spara igen."));
      });
      return;
    }
    showAlert(form, function (box) {
      paragraph(box, failureText(xhr));
    });
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = formOf(event);
    if (form) {
      showAlert(form, function (box) {
        paragraph(
          box,
          "Det här sparades inte: servern gick inte att nå." + KEPT +
            " Kontrollera anslutningen och spara igen."
        );
      });
    }
  });

  document.addEventListener("htmx:timeout", function (event) {
    var form = formOf(event);
    if (form) {
      showAlert(form, function (box) {
        paragraph(
          box,
          "Servern svarade inte i tid, så det är inte säkert att det här sparades." + KEPT +
            " Spara igen."
        );
      });
    }
  });

  // --- Unsaved forms ----------------------------------------------------------------------

  function tracked(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function fieldChanged(field) {
    // A named button ("Bekräfta raden") sends a value but holds nothing typed.
    if (field.type === "hidden" || field.disabled || field.tagName === "BUTTON") {
      return false;
    }
    if (field.tagName === "SELECT") {
      // Without a `selected` option a single select shows its first one.
      var options = field.options;
      var drawnWithDefault = Array.prototype.some.call(options, function (option) {
        return option.defaultSelected;
      });
      return Array.prototype.some.call(options, function (option, index) {
        var initially = drawnWithDefault || field.multiple ? option.defaultSelected : index === 0;
        return option.selected !== initially;
      });
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.type === "file") {
      return field.files && field.files.length > 0;
    }
    return field.value !== field.defaultValue;
  }

  function isDirty(form) {
    return (
      form.hasAttribute("data-unsaved") ||
      Array.prototype.some.call(form.elements, function (field) {
        return field.name && fieldChanged(field);
      })
    );
  }

  function dirtyForms(except) {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return form !== except && tracked(form) && isDirty(form);
    });
  }

  function mark(form) {
    var dirty = isDirty(form);
    var note = form.querySelector(".unsaved-note");
    form.classList.toggle("is-unsaved", dirty);
    if (dirty && !note) {
      note = document.createElement("p");
      note.className = "unsaved-note";
      note.textContent = "Ändrat – inte sparat";
      form.insertBefore(note, beforeButtons(form));
    } else if (!dirty && note) {
      note.remove();
    }
  }

  function onEdit(event) {
    var form = event.target.form;
    if (form && tracked(form)) {
      mark(form);
    }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    var forms = root.tagName === "FORM" ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (tracked(form)) {
        mark(form);
      }
    });
  });

  function place(form) {
    // The row, section or part of the page the form belongs to, and what it is called there.
    var region = form.closest("article[id], section[id], div[id]") || form;
    var heading = region.querySelector("h2, h3, h4");
    var name = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    return { id: region.id, name: name || (lastButton(form) || {}).textContent || "Ett formulär" };
  }

  function markSaved(form) {
    // The text is stored now: what the fields hold is what the page would show.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.defaultSelected = option.selected;
        });
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.defaultChecked = field.checked;
      } else if (field.type !== "file") {
        field.defaultValue = field.value;
      }
    });
    form.removeAttribute("data-unsaved");
    mark(form);
  }

  function saveOne(form) {
    if (form.hasAttribute("hx-post")) {
      return window.htmx.ajax("POST", form.getAttribute("hx-post"), {
        source: form,
        target: form.getAttribute("hx-target") || form,
        swap: form.getAttribute("hx-swap") || "outerHTML",
      });
    }
    // A whole-page form, sent in the background: the server redirects after a save and
    // answers 409/422 with the page when it did not save.
    refreshToken(form);
    return window
      .fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && new URL(response.url).pathname !== LOGIN_PATH) {
          markSaved(form);
          return;
        }
        showAlert(form, function (box) {
          paragraph(
            box,
            response.ok
              ? "Du har blivit utloggad, så det här sparades inte." + KEPT + " Ladda inte om sidan; logga in i en ny flik och försök igen."
              : "Det här sparades inte (felkod " + response.status + ")." + KEPT + " Spara det för sig för att se vad som behöver rättas."
          );
        });
      });
  }

  function saveAll(forms, then) {
    // One after another: each is its own transaction, and a small server (SQLite) takes
    // concurrent writes badly.
    var form = forms[0];
    if (!form) {
      // After the swaps: the rows that came back unsaved are dirty again.
      window.setTimeout(then, 0);
      return;
    }
    var next = function () {
      saveAll(forms.slice(1), then);
    };
    saveOne(form).then(next, next);
  }

  function send(form, submitter) {
    allowLeaving = form;
    consented = true;
    refreshToken(form);
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  // `holder` is the form being sent, or the element around a link that leaves the page
  // (a[data-leaves], such as "Skicka in"); `proceed` sends or follows it.
  function refuse(holder, proceed, others) {
    var savable = others.filter(function (other) {
      // An upload leads to its own preview page: it cannot be sent on the way.
      return other.enctype !== "multipart/form-data" && window.htmx && window.fetch;
    });
    var box = showAlert(holder, function (box) {
      box.classList.add("error-summary");
      paragraph(
        box,
        "Det här skickades inte: " +
          (others.length === 1 ? "en del" : others.length + " delar") +
          " av sidan har ändringar som inte är sparade. De skulle försvinna."
      );
      var list = document.createElement("ul");
      others.forEach(function (other) {
        var where = place(other);
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + where.id;
        link.textContent = where.name;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
      var actions = document.createElement("p");
      actions.className = "save-alert__actions";
      if (savable.length === others.length) {
        var save = document.createElement("button");
        save.type = "button";
        save.className = "button";
        save.textContent = "Spara ändringarna och fortsätt";
        save.addEventListener("click", function () {
          saveAll(savable, function () {
            var left = dirtyForms(holder);
            if (left.length) {
              refuse(holder, proceed, left);
            } else {
              proceed();
            }
          });
        });
        actions.appendChild(save);
        actions.appendChild(document.createTextNode(" "));
      }
      var anyway = document.createElement("button");
      anyway.type = "button";
      anyway.className = "button button--secondary";
      anyway.textContent = "Fortsätt utan ändringarna";
      anyway.addEventListener("click", proceed);
      actions.appendChild(anyway);
      box.appendChild(actions);
    });
    var first = box.querySelector("a");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) {
      return; // an htmx save stays on the page
    }
    // Any other form leaves the page, a GET form (a filter) too: what is typed elsewhere is
    // saved first or left knowingly.
    if (allowLeaving === form) {
      return;
    }
    var others = dirtyForms(form);
    if (others.length) {
      event.preventDefault();
      var submitter = event.submitter;
      refuse(form, function () { send(form, submitter); }, others);
      return;
    }
    allowLeaving = form;
    refreshToken(form);
  });

  // A link that leaves the page for a step of its own ("Skicka in" leads to the page that
  // asks) is stopped the same way while other forms hold unsaved text.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-leaves]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var others = dirtyForms(null);
    if (!others.length) {
      return;
    }
    event.preventDefault();
    refuse(link.parentNode, function () {
      consented = true;
      window.location.assign(link.href);
    }, others);
  });

  window.addEventListener("beforeunload", function (event) {
    if (!consented && dirtyForms(allowLeaving).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // bfcache: a page shown again must ask again.
  window.addEventListener("pageshow", function () {
    allowLeaving = null;
    consented = false;
  });
})();
