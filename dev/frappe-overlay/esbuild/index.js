// Minimal re-creation of Frappe's asset build (the PyPI wheel it is rebuilt from ships none).
// Usage (what `bench build` runs, cwd = apps/frappe): node esbuild [--production] [--apps a,b] [--skip_frappe]
const path = require("path");
const fs = require("fs");
const esbuild = require("esbuild");
const vue = require("esbuild-plugin-vue3");
const sass = require("sass");
const glob = require("fast-glob");
const { pathToFileURL } = require("url");

const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const opt = (n) => {
	const i = argv.indexOf(n);
	return i >= 0 ? argv[i + 1] : undefined;
};
const PRODUCTION = flag("--production");
const FRAPPE_REPO = path.resolve(__dirname, "..");
const BENCH = path.resolve(FRAPPE_REPO, "..", "..");
const SITES = path.join(BENCH, "sites");
const ASSETS = path.join(SITES, "assets");
const ALL_APPS = fs.readFileSync(path.join(SITES, "apps.txt"), "utf-8").split("\n").map((s) => s.trim()).filter(Boolean);
let apps = opt("--apps") ? opt("--apps").split(",") : ALL_APPS;
if (flag("--skip_frappe")) apps = apps.filter((a) => a !== "frappe");

const repo = (app) => path.join(BENCH, "apps", app);
const NODE_PATHS = [].concat(
	ALL_APPS.map((a) => path.join(repo(a), "node_modules")),
	ALL_APPS.map((a) => repo(a))
).filter((p) => fs.existsSync(p));

const htmlPlugin = {
	name: "frappe-html",
	setup(build) {
		build.onResolve({ filter: /\.html$/ }, (args) => ({ path: path.join(args.resolveDir, args.path), namespace: "frappe-html" }));
		build.onLoad({ filter: /.*/, namespace: "frappe-html" }, async (args) => {
			const name = path.basename(args.path).split(".")[0];
			let content = await fs.promises.readFile(args.path, "utf-8");
			content = content.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
			return { contents: `\n\tfrappe.templates['${name}'] = \`${content}\`;\n`, watchFiles: [args.path] };
		});
	},
};

const ignoreAssets = {
	name: "ignore-assets",
	setup(build) {
		build.onResolve({ filter: /^\/assets\// }, (args) => ({ path: args.path, external: true }));
	},
};

const sassImporter = {
	findFileUrl(url) {
		if (url.startsWith("~")) url = url.slice(1);
		else if (url.startsWith(".") || url.startsWith("/")) return null;
		for (const base of NODE_PATHS) {
			const first = url.split("/")[0];
			if (fs.existsSync(path.join(base, first))) return pathToFileURL(path.join(base, url));
		}
		return null;
	},
};

const sassPlugin = {
	name: "sass",
	setup(build) {
		build.onLoad({ filter: /\.s[ac]ss$/ }, async (args) => {
			const res = sass.compile(args.path, {
				loadPaths: NODE_PATHS,
				importers: [sassImporter],
				quietDeps: true,
				logger: sass.Logger.silent,
			});
			return { contents: res.css, loader: "css", resolveDir: path.dirname(args.path), watchFiles: res.loadedUrls.map((u) => u.pathname) };
		});
	},
};

const loader = { ".png": "file", ".jpg": "file", ".jpeg": "file", ".gif": "file", ".svg": "file", ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".otf": "file" };

function keyFor(outfile) {
	// desk.bundle.ABC123.js -> desk.bundle.js
	const base = path.basename(outfile);
	const m = base.match(/^(.*\.bundle)\.[A-Z0-9]+\.(js|css)$/);
	return m ? `${m[1]}.${m[2]}` : null;
}

async function buildApp(app) {
	const pub = path.join(repo(app), app, "public");
	if (!fs.existsSync(pub)) return {};
	const entries = await glob(["**/*.bundle.{js,ts,css,scss,sass}"], { cwd: pub, ignore: ["**/node_modules/**", "**/dist/**"] });
	const js = entries.filter((e) => /\.(js|ts)$/.test(e)).map((e) => path.join(pub, e));
	const css = entries.filter((e) => /\.(css|scss|sass)$/.test(e)).map((e) => path.join(pub, e));
	const dist = path.join(ASSETS, app, "dist");
	fs.rmSync(dist, { recursive: true, force: true });
	const common = {
		bundle: true,
		minify: PRODUCTION,
		sourcemap: true,
		metafile: true,
		nodePaths: NODE_PATHS,
		entryNames: "[name].[hash]",
		assetNames: "assets/[name].[hash]",
		loader,
		logLevel: "warning",
		target: ["es2017"],
		define: {
			"process.env.NODE_ENV": JSON.stringify(PRODUCTION ? "production" : "development"),
			__VUE_OPTIONS_API__: "true",
			__VUE_PROD_DEVTOOLS__: "false",
		},
	};
	const out = {};
	const record = (result) => {
		for (const f of Object.keys(result.metafile.outputs)) {
			const k = keyFor(f);
			if (k) out[k] = "/" + path.relative(SITES, path.resolve(BENCH, "apps", app, f)).replace(/^.*?assets\//, "assets/");
		}
	};
	const t0 = Date.now();
	if (js.length) {
		const r = await esbuild.build({ ...common, entryPoints: js, outdir: path.join(dist, "js"), format: "iife", publicPath: `/assets/${app}/dist/js`, absWorkingDir: path.join(BENCH, "apps", app), plugins: [htmlPlugin, ignoreAssets, sassPlugin, vue()] });
		record(r);
	}
	if (css.length) {
		const r = await esbuild.build({ ...common, entryPoints: css, outdir: path.join(dist, "css"), absWorkingDir: path.join(BENCH, "apps", app), plugins: [ignoreAssets, sassPlugin] });
		record(r);
	}
	console.log(`${app}: ${js.length} js + ${css.length} css bundles in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
	return out;
}

(async () => {
	const assetsJson = path.join(ASSETS, "assets.json");
	let assets = {};
	if (fs.existsSync(assetsJson) && opt("--apps")) assets = JSON.parse(fs.readFileSync(assetsJson, "utf-8"));
	for (const app of apps) {
		// drop old keys of this app
		for (const k of Object.keys(assets)) if (assets[k].startsWith(`/assets/${app}/`)) delete assets[k];
		Object.assign(assets, await buildApp(app));
	}
	fs.writeFileSync(assetsJson, JSON.stringify(assets, null, 4));
	console.log(`wrote ${assetsJson} (${Object.keys(assets).length} entries)`);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
