import { makeCounter } from "./counter.js";

const counter = makeCounter();
const button = document.querySelector("#count");
button.addEventListener("click", () => {
  button.textContent = `clicked ${counter.inc()} times`;
});
