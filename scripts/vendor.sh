#!/usr/bin/env bash
# Refresh the vendored NL Design System (Utrecht) CSS from the npm registry.
# Versions are pinned here and recorded in casebook/static/vendor/VERSIONS.md.
set -euo pipefail
COMPONENTS_VERSION="${COMPONENTS_VERSION:-9.0.4}"
TOKENS_VERSION="${TOKENS_VERSION:-5.0.1}"
dest="$(cd "$(dirname "$0")/.." && pwd)/casebook/static/vendor/utrecht"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@utrecht/component-library-css@${COMPONENTS_VERSION}" "@utrecht/design-tokens@${TOKENS_VERSION}" >/dev/null
mkdir components tokens
tar xzf utrecht-component-library-css-*.tgz -C components
tar xzf utrecht-design-tokens-*.tgz -C tokens
mkdir -p "$dest"
cp components/package/dist/index.css "$dest/component-library.css"
# A required field is not an error before anything was typed: style invalid controls only after the
# user has interacted (:user-invalid) or the server marked them (aria-invalid). See VERSIONS.md.
sed -i 's/--html-input:invalid/--html-input:user-invalid/g; s/--html-textarea:invalid/--html-textarea:user-invalid/g' \
  "$dest/component-library.css"
cp components/package/LICENSE.md "$dest/LICENSE-component-library.md"
cp tokens/package/dist/index.css "$dest/design-tokens.css"
cp tokens/package/LICENSE.md "$dest/LICENSE-design-tokens.md" 2>/dev/null || true
echo "vendored @utrecht/component-library-css@${COMPONENTS_VERSION} and @utrecht/design-tokens@${TOKENS_VERSION} into $dest"
