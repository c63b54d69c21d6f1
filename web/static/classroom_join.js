// Joining a round with the code from the teacher's screen.
"use strict";

Klas.byId("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  Klas.byId("join-error").textContent = "";
  try {
    const round = await Klas.post("/api/rounds/join", { code: Klas.byId("join-code").value });
    window.location.assign(`/klas/ronde/${round.id}`);
  } catch (error) {
    Klas.byId("join-error").textContent = error.message || "Meedoen lukte niet. Probeer het opnieuw.";
  }
});
