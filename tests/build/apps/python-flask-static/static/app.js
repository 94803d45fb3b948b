document.querySelectorAll("li").forEach((li) => li.addEventListener("click", () => li.classList.toggle("read")));
