// One click copies the feed URL. Without script the button stays hidden and the
// URL is still shown in its box, ready to copy by hand.
"use strict";
(() => {
  const input = document.getElementById("feed-url");
  const button = document.getElementById("copy-feed-url");
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
    button.textContent = "Copied / 已复制";
  });
})();
