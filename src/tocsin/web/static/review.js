// Sends an analyst's review of one event to the API (token in the Authorization header).
"use strict";
(function () {
  const form = document.getElementById("review-form");
  if (!form) return;
  const status = document.getElementById("review-status");
  const saved = sessionStorage.getItem("tocsin-token");
  if (saved) form.elements.token.value = saved;
  const value = (name) => form.elements[name].value.trim();
  const changed = (name) => value(name) !== (form.elements[name].dataset.current || "");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const action = form.elements.action.value;
    const body = { action: action, note: value("note") || null };
    if (action === "correct") {
      const changes = {};
      if (changed("type")) changes.type = value("type");
      if (changed("actor_name") || changed("actor_country"))
        changes.actor = value("actor_name") ? { name: value("actor_name"), country: value("actor_country") || null } : null;
      if (changed("weapon")) changes.weapon = value("weapon") ? { name: value("weapon") } : null;
      if (changed("location_name") || changed("location_country"))
        changes.location = value("location_name") ? { name: value("location_name"), country: value("location_country") || null } : null;
      if (changed("date")) changes.date = value("date") || null;
      if (changed("modality")) changes.modality = value("modality");
      body.changes = changes;
    }
    const token = value("token");
    sessionStorage.setItem("tocsin-token", token);
    status.textContent = "saving…";
    fetch("/api/v1/events/" + encodeURIComponent(form.dataset.eventId) + "/review", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify(body),
    }).then((r) => r.json().then((data) => ({ ok: r.ok, data: data })))
      .then(({ ok, data }) => {
        if (!ok) { status.textContent = "error: " + data.error.message; return; }
        status.textContent = "saved: " + data.review;
        window.location.reload();
      })
      .catch((err) => { status.textContent = "error: " + err; });
  });
})();
