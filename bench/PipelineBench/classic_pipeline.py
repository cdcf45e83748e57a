#!/usr/bin/env python3
"""The classic baseline: for each file, SHA-256, Pillow JPEG thumbnails at 1024 px (which doubles as the model's
image) and 256 px, then one exiftool process writing description and keywords (-m: a minor maker-note fault in a
camera file must not stop it, as in our pipeline). Sequential, as such scripts are."""
import hashlib, os, subprocess, sys
from PIL import Image, ImageOps

source, output = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(source)):
    path = os.path.join(source, name)
    with open(path, "rb") as f:
        hashlib.sha256(f.read()).hexdigest()
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        for size in (1024, 256):
            copy = im.copy()
            copy.thumbnail((size, size))
            copy.convert("RGB").save(os.path.join(output, f"{name}-{size}.jpg"), quality=80)
    subprocess.run(["exiftool", "-m", "-q", "-overwrite_original", "-ImageDescription=A loopback test image", "-XMP-dc:Description=A loopback test image",
                    "-IPTC:Keywords=test", "-XMP-dc:Subject=test", path], check=True)
