// Builds the demo page (index.html, with the widget) and the team inbox (inbox.html)
// into dist/, which tandemd serves in demo mode. The widget is written on the TS client
// package's source (clients/ts/src), so one build covers both.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: { alias: { "@tandem/client": here("../ts/src/index.ts") } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: { input: { index: here("index.html"), inbox: here("inbox.html") } },
  },
});
