// One click copies the feed URL. Without script the button stays hidden and the
// URL is still shown in its box, ready to copy by hand. The button's words after a
// copy come from the page (<template id="copied-label">), with their languages marked.
"use strict";
(() => {
  const input = document.getElementById("feed-url");
  const button = document.getElementById("copy-feed-url");
  const copied = document.getElementById("copied-label");
  if (!input || !button) return;
  button.hidden = false;
  input.addEventListener("focus", () => input.select());
  button.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand("copy"); // older browsers, or clipboard permission refused
    }
    if (copied) button.replaceChildren(copied.content.cloneNode(true));
  });
})();
