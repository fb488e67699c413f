// Saves answers as the learner chooses them, so a closed tab or a lost connection loses nothing.
// Without JavaScript the "Save answers" button does the same.
//
// One save at a time: a change made while a save is on its way is sent after it, with the form
// as it is then. Two saves in flight could arrive out of order and undo the newer answers.
(function () {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  const status = form.querySelector(".autosave-status");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let inFlight = false;
  let pending = false;

  function answers() {
    const result = {};
    form.querySelectorAll("fieldset.question").forEach((fieldset) => {
      const inputs = fieldset.querySelectorAll("input[name^='q-']");
      if (!inputs.length) return;
      const version = inputs[0].name.slice(2);
      result[version] = Array.from(inputs).filter((i) => i.checked).map((i) => i.value);
    });
    return result;
  }

  function save() {
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    pending = false;
    status.textContent = "Saving…";
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: answers() }),
      credentials: "same-origin",
    })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (!pending) status.textContent = ok ? "Your answers are saved." : body.error;
      })
      .catch(() => {
        status.textContent = "Not saved: check your connection. Use “Save answers” when it is back.";
      })
      .finally(() => {
        inFlight = false;
        if (pending) save();
      });
  }

  form.addEventListener("change", save);
})();
