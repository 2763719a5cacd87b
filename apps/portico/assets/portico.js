// Portico client area: the only script, and every page works without it.
// A button with `data-copy="#id"` copies the text of the element #id; one with
// `data-download="#id"` saves it as the file `data-filename`, headed by
// `data-heading`. The text goes in no URL the page keeps: the file is made in
// memory and its address dropped once saved.
"use strict";

function textOf(selector) {
  const source = document.querySelector(selector);
  return source ? source.value || source.textContent : null;
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  if (textOf(button.dataset.copy) === null || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(textOf(button.dataset.copy));
    button.textContent = button.dataset.copied || button.textContent;
  });
}

for (const button of document.querySelectorAll("button[data-download]")) {
  if (textOf(button.dataset.download) === null) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const heading = button.dataset.heading ? button.dataset.heading + "\r\n\r\n" : "";
    const body = heading + textOf(button.dataset.download).replace(/\n/g, "\r\n") + "\r\n";
    const file = URL.createObjectURL(new Blob([body], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = file;
    link.download = button.dataset.filename || "download.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(file), 0);
  });
}
