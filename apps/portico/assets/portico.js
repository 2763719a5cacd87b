// Portico client area: the only script, and every page works without it.
// A button with `data-copy="#id"` copies the text of the element #id.
"use strict";
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(source.value || source.textContent);
    button.textContent = button.dataset.copied || button.textContent;
  });
}
