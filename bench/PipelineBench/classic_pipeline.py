#!/usr/bin/env python3
"""The classic baseline: for each file, SHA-256, Pillow thumbnails (256 and 1024 px) and a 1024 px JPEG for
the model, then one exiftool process writing description and keywords. Sequential, as such scripts are."""
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
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-ImageDescription=A loopback test image", "-XMP-dc:Description=A loopback test image",
                    "-IPTC:Keywords=test", "-XMP-dc:Subject=test", path], check=True)
