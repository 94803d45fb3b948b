import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";

await mkdir("dist", { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  outfile: "dist/app.js",
  target: ["es2020"],
});
await copyFile("src/index.html", "dist/index.html");
console.log("built dist/");
