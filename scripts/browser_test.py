#!/usr/bin/env python3
"""Tests `latentmap plot interactive` pages in headless Chromium through WebDriver.

Run by scripts/browser-test.sh (which installs chromium, chromium-driver and selenium):

    browser_test.py LATENTMAP_BINARY WORK_DIR            the tests on 300 generated blob points
    browser_test.py --measure PAGE.html [--screenshot OUT.png] [--hover INDEX]
                                                         opens a page, prints load-to-ready times
    browser_test.py --make-million DIR                   writes DIR/million.npy and its labels

The test data: four well-separated Gaussian blobs of 75 points (centres (±10, ±10), sd 1) whose
images are 28×28 with a white bar on one side, a different side per class, so a thumbnail shows
which class it belongs to.
"""
import io
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CENTRES = [(-10, 10), (10, 10), (-10, -10), (10, -10)]
NAMES = ["north-west", "north-east", "south-west", "south-east"]
TAB10 = [(0x1F, 0x77, 0xB4), (0xFF, 0x7F, 0x0E), (0x2C, 0xA0, 0x2C), (0xD6, 0x27, 0x28)]
PER_CLASS = 75

passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"  ok    {name}")
    else:
        failed += 1
        print(f"  FAIL  {name} {detail}")


def write_npy(path, shape, values, dtype="<f4"):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join(f"{s}, " for s in shape) if len(shape) == 1 else ", ".join(map(str, shape)))
    header += " " * ((64 - (len(header) + 11) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(f"<{len(values)}f", *values))


def bar_image(label):
    """28×28 greys: a white bar 5 pixels thick on the top, right, bottom or left side."""
    img = [0.0] * 784
    for r in range(28):
        for c in range(28):
            on = [r < 5, c >= 23, r >= 23, c < 5][label]
            if on:
                img[r * 28 + c] = 1.0
    return img


def make_data(directory):
    rng = random.Random(7)
    points, labels, images = [], [], []
    order = [k for k in range(4) for _ in range(PER_CLASS)]
    rng.shuffle(order)
    for k in order:
        cx, cy = CENTRES[k]
        points.append((cx + rng.gauss(0, 1), cy + rng.gauss(0, 1)))
        labels.append(k)
        images.extend(bar_image(k))
    n = len(points)
    with open(os.path.join(directory, "blobs.csv"), "w") as f:
        f.write("x,y\n" + "".join(f"{x:.6f},{y:.6f}\n" for x, y in points))
    with open(os.path.join(directory, "labels.txt"), "w") as f:
        f.write("".join(f"{k}\n" for k in labels))
    with open(os.path.join(directory, "names.txt"), "w") as f:
        f.write("\n".join(NAMES) + "\n")
    with open(os.path.join(directory, "values.txt"), "w") as f:
        f.write("".join(f"{x:.6f}\n" for x, _ in points))
    write_npy(os.path.join(directory, "images.npy"), (n, 28, 28), images)
    return points, labels


def browser(download_dir, width=1200, height=800):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--force-device-scale-factor=1",
                 "--disable-background-networking", "--no-first-run", "--disable-extensions"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


def open_page(driver, path, timeout=60):
    driver.get("file://" + os.path.abspath(path))
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return !!(window.latentMap && window.latentMap.ready)")
                                         or d.execute_script("return document.getElementById('message').textContent"))
    message = driver.execute_script("return document.getElementById('message').textContent")
    if message:
        raise RuntimeError(f"the page says: {message}")
    if driver.execute_script("return window.latentMap.meta.thumbnails > 0"):
        WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return !!window.latentMap.thumbnailsReady"))


def requests_made(driver):
    """URLs of every request the page made (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def plot_screenshot(driver):
    # Let the page draw what it has scheduled (it redraws on the next animation frames).
    driver.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));")
    png = driver.find_element(By.ID, "gl").screenshot_as_png
    return Image.open(io.BytesIO(png)).convert("RGB")


def class_of_pixel(p, colours):
    """The index of the colour in `colours` that `p` is, drawn at some opacity ≥ 0.5 over white
    (the smallest distance from the segment white → colour, at most 20), or None."""
    best, best_d = None, 20.0 ** 2
    for k, c in enumerate(colours):
        d = [c[i] - 255 for i in range(3)]
        q = [p[i] - 255 for i in range(3)]
        t = max(0.0, min(1.0, sum(q[i] * d[i] for i in range(3)) / sum(v * v for v in d)))
        if t < 0.5:
            continue
        r = sum((q[i] - t * d[i]) ** 2 for i in range(3))
        if r < best_d:
            best, best_d = k, r
    return best


def colour_pixels(image, colour, colours=TAB10):
    """How many pixels of `image` are `colour` (one of `colours`) at some opacity over white."""
    k = colours.index(colour)
    return sum(n for n, p in image.getcolors(maxcolors=1 << 24) if class_of_pixel(p, colours) == k)


def wait_for_file(path, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0 and not os.path.exists(path + ".crdownload"):
            return True
        time.sleep(0.2)
    return False


def run_tests(latentmap, work):
    os.makedirs(work, exist_ok=True)
    points, labels = make_data(work)
    page = os.path.join(work, "blobs.html")
    # The page, made by the CLI from the generated files.
    subprocess.run([latentmap, "plot", "interactive", os.path.join(work, "blobs.csv"), os.path.join(work, "images.npy"),
                    "--labels", os.path.join(work, "labels.txt"), "--class-names", os.path.join(work, "names.txt"),
                    "--values", os.path.join(work, "values.txt"), "--value-label", "x", "--title", "Four blobs",
                    "--out", page, "--quiet"], check=True)
    downloads = tempfile.mkdtemp(prefix="latentmap-downloads-", dir=work)
    driver = browser(downloads)
    try:
        print("browser tests (headless Chromium):")
        open_page(driver, page)
        page_url = "file://" + os.path.abspath(page)
        urls = requests_made(driver)
        others = [u for u in urls if u != page_url]
        check("the page opens from file:// and requests nothing else", not others, f"requests: {others[:5]}")
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        check("no console error", not severe, str(severe[:3]))
        check("the page reports 300 points", "300 points" in driver.find_element(By.ID, "status").text,
              driver.find_element(By.ID, "status").text)

        # Points in their class colours, each in its own quadrant.
        shot = plot_screenshot(driver)
        w, h = shot.size
        for k in range(4):
            quadrant_x = 0 if CENTRES[k][0] < 0 else 1
            quadrant_y = 0 if CENTRES[k][1] > 0 else 1
            box = (quadrant_x * w // 2, quadrant_y * h // 2, (quadrant_x + 1) * w // 2, (quadrant_y + 1) * h // 2)
            inside = colour_pixels(shot.crop(box), TAB10[k])
            total = colour_pixels(shot, TAB10[k])
            check(f"class {k} drawn in its palette colour in its quadrant", inside > 200 and inside >= 0.95 * total,
                  f"({inside} of {total} pixels)")

        # Hover over a known point: its thumbnail, enlarged, shows its class's bar.
        target = 0
        x, y = driver.execute_script("return window.latentMap.toScreen(arguments[0])", target)
        hover = ActionChains(driver)
        hover.w3c_actions.pointer_action.move_to_location(int(round(x)), int(round(y)))
        hover.perform()
        WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "tip").is_displayed())
        shown = int(driver.find_element(By.ID, "tip").get_attribute("data-index"))
        tip_text = driver.find_element(By.ID, "tip").text
        stats = driver.execute_script("""
            const c = document.querySelector('#tip canvas');
            if (!c) return null;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, w = c.width, h = c.height;
            const mean = (x0, y0, x1, y1) => { let s = 0, n = 0; x0 = Math.floor(x0); y0 = Math.floor(y0);
              for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { s += d[4 * (y * w + x)]; n++; } return s / n; };
            return { w, h, top: mean(0, 0, w, h / 8), right: mean(w * 7 / 8, 0, w, h), bottom: mean(0, h * 7 / 8, w, h),
                     left: mean(0, 0, w / 8, h), centre: mean(w / 3, h / 3, w * 2 / 3, h * 2 / 3) };
        """)
        check("hovering a point shows a tooltip with its index and class",
              f"#{shown}" in tip_text and NAMES[labels[shown]] in tip_text, tip_text)
        check("the tooltip is for the point under the cursor", shown == target, f"(showed {shown})")
        if stats:
            sides = [stats["top"], stats["right"], stats["bottom"], stats["left"]]
            bright = max(range(4), key=lambda s: sides[s])
            check("the thumbnail is enlarged (28×28 shown at least 3×)", stats["w"] >= 84 and stats["h"] >= 84, str(stats))
            check("the thumbnail is the point's own image", bright == labels[shown] and sides[bright] > 200 and stats["centre"] < 10,
                  str(stats))
        else:
            check("the tooltip has a thumbnail", False)

        # Hide a class by clicking its legend entry; double click shows one class alone.
        entries = driver.find_elements(By.CSS_SELECTOR, "#legend .entry")
        check("the legend lists the four classes", [e.text for e in entries] == NAMES, str([e.text for e in entries]))
        ActionChains(driver).move_to_element(entries[1]).click().perform()
        shot = plot_screenshot(driver)
        counts = [colour_pixels(shot, TAB10[k]) for k in range(4)]
        check("clicking a legend entry hides that class's colour", counts[1] == 0 and min(counts[0], counts[2], counts[3]) > 200,
              str(counts))
        ActionChains(driver).move_to_element(entries[1]).click().perform()
        ActionChains(driver).move_to_element(entries[2]).double_click().perform()
        shot = plot_screenshot(driver)
        counts = [colour_pixels(shot, TAB10[k]) for k in range(4)]
        check("double-clicking an entry shows that class alone", counts[2] > 200 and counts[0] + counts[1] + counts[3] == 0,
              str(counts))
        ActionChains(driver).move_to_element(entries[2]).double_click().perform()
        check("double-clicking it again shows every class", driver.execute_script("return window.latentMap.hidden()") == [])

        # Search: by class name, then by index.
        search = driver.find_element(By.ID, "search")
        search.send_keys("south", Keys.ENTER)
        check("searching a class name shows only the matching classes",
              driver.execute_script("return window.latentMap.hidden()") == [0, 1])
        search.clear()
        search.send_keys(Keys.ENTER)
        search.send_keys("#17", Keys.ENTER)
        tip = driver.find_element(By.ID, "tip")
        check("searching an index finds that point", tip.is_displayed() and tip.get_attribute("data-index") == "17",
              tip.get_attribute("data-index"))
        search.clear()
        search.send_keys(Keys.ENTER)
        driver.find_element(By.ID, "reset").click()

        # Box selection over the north-west blob ("Box select", then drag) selects exactly its points.
        driver.find_element(By.ID, "boxmode").click()
        xs = [points[i][0] for i, k in enumerate(labels) if k == 0]
        ys = [points[i][1] for i, k in enumerate(labels) if k == 0]
        (x0, y0) = driver.execute_script("return window.latentMap.dataToScreen(arguments[0], arguments[1])", min(xs), max(ys))
        (x1, y1) = driver.execute_script("return window.latentMap.dataToScreen(arguments[0], arguments[1])", max(xs), min(ys))
        r = driver.execute_script("const r = document.getElementById('plot').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]")
        x0, y0 = max(r[0] + 1, x0 - 8), max(r[1] + 1, y0 - 8)
        x1, y1 = min(r[2] - 1, x1 + 8), min(r[3] - 1, y1 + 8)
        drag = ActionChains(driver)
        drag.w3c_actions.pointer_action.move_to_location(int(x0), int(y0))
        drag.w3c_actions.pointer_action.pointer_down()
        drag.w3c_actions.pointer_action.move_to_location(int((x0 + x1) / 2), int((y0 + y1) / 2))
        drag.w3c_actions.pointer_action.move_to_location(int(x1), int(y1))
        drag.w3c_actions.pointer_action.pointer_up()
        drag.perform()
        driver.find_element(By.ID, "boxmode").click()
        selected = driver.execute_script("return window.latentMap.selected()")
        expected = [i for i, k in enumerate(labels) if k == 0]
        status = driver.find_element(By.ID, "status").text
        check("a box over one cluster selects exactly its points", selected == expected, f"({len(selected)} selected)")
        check("the selection count is shown", f"{PER_CLASS} selected" in status, status)
        driver.find_element(By.ID, "csv").click()
        csv_path = os.path.join(downloads, "selection.csv")
        ok = wait_for_file(csv_path)
        rows = open(csv_path).read().splitlines() if ok else []
        check("the selected indices download as CSV",
              ok and rows[0].startswith("index,label,class") and [int(r.split(",")[0]) for r in rows[1:]] == expected,
              f"({len(rows)} lines)")

        # A lasso around the south-east blob (a 24-gon of radius 5.5, cut to the plot's edges).
        driver.find_element(By.ID, "lassomode").click()
        cx, cy = CENTRES[3]
        ring = [driver.execute_script("return window.latentMap.dataToScreen(arguments[0], arguments[1])",
                                      cx + 5.5 * math.cos(2 * math.pi * t / 24), cy + 5.5 * math.sin(2 * math.pi * t / 24))
                for t in range(25)]
        ring = [(min(max(x, r[0] + 1), r[2] - 1), min(max(y, r[1] + 1), r[3] - 1)) for (x, y) in ring]   # inside the plot
        lasso = ActionChains(driver)
        lasso.w3c_actions.pointer_action.move_to_location(int(ring[0][0]), int(ring[0][1]))
        lasso.w3c_actions.pointer_action.pointer_down()
        for (x, y) in ring[1:]:
            lasso.w3c_actions.pointer_action.move_to_location(int(x), int(y))
        lasso.w3c_actions.pointer_action.pointer_up()
        lasso.perform()
        driver.find_element(By.ID, "lassomode").click()
        selected = driver.execute_script("return window.latentMap.selected()")
        check("a lasso around one cluster selects exactly its points", selected == [i for i, k in enumerate(labels) if k == 3],
              f"({len(selected)} selected)")

        # Colour by value: the colour bar appears and the class colours go.
        driver.execute_script("const s = document.getElementById('colorby'); s.value = 'value'; s.dispatchEvent(new Event('change'));")
        driver.find_element(By.ID, "clear").click()
        shot = plot_screenshot(driver)
        leftover = [colour_pixels(shot, TAB10[k]) for k in (0, 1, 3)]
        check("colouring by value shows a colour bar and no class colours",
              driver.find_element(By.ID, "colorbar").is_displayed() and sum(leftover) < 20, f"{leftover}")
        driver.execute_script("const s = document.getElementById('colorby'); s.value = 'class'; s.dispatchEvent(new Event('change'));")

        # Wheel zoom about the cursor keeps the data point under it in place.
        before = driver.execute_script("return window.latentMap.view()")
        px, py = driver.execute_script("return window.latentMap.dataToScreen(10, 10)")
        driver.execute_script("""
            const r = document.getElementById('plot');
            r.dispatchEvent(new WheelEvent('wheel', {clientX: arguments[0], clientY: arguments[1], deltaY: -400, bubbles: true, cancelable: true}));
        """, px, py)
        after = driver.execute_script("return window.latentMap.view()")
        qx, qy = driver.execute_script("return window.latentMap.dataToScreen(10, 10)")
        check("wheel zoom scales about the cursor", after["scale"] > 1.5 * before["scale"] and abs(qx - px) < 1 and abs(qy - py) < 1,
              f"{before} {after} ({px:.1f},{py:.1f}) → ({qx:.1f},{qy:.1f})")
        driver.find_element(By.ID, "reset").click()

        # PNG export of the current view.
        driver.find_element(By.ID, "png").click()
        png_path = os.path.join(downloads, "map.png")
        ok = wait_for_file(png_path)
        if ok:
            exported = Image.open(png_path).convert("RGB")
            check("Save PNG writes the view with its class colours",
                  exported.size[0] >= w and all(colour_pixels(exported, TAB10[k]) > 150 for k in range(4)), str(exported.size))
        else:
            check("Save PNG writes a file", False)

        urls = requests_made(driver)
        remote = [u for u in urls if not (u.startswith("file:") or u.startswith("blob:") or u.startswith("data:"))]
        check("no request left the page during the whole session", not remote, str(remote[:5]))
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        check("still no console error", not severe, str(severe[:3]))
    finally:
        driver.quit()
    print(f"browser: {passed} passed, {failed} failed")
    return failed == 0


def measure(page, screenshot=None, hover=None, width=1200, height=800):
    """Opens `page` and prints its load-to-ready times (performance.now at ready)."""
    downloads = tempfile.mkdtemp(prefix="latentmap-downloads-")
    driver = browser(downloads, width, height)
    try:
        start = time.time()
        open_page(driver, page, timeout=120)
        wall = time.time() - start
        ready = driver.execute_script("return window.latentMap.readyMilliseconds")
        thumbs = driver.execute_script("return window.latentMap.thumbnailsMilliseconds || null")
        frame = driver.execute_script("return window.latentMap.frameMilliseconds(30)")
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        print(json.dumps({"page": page, "bytes": os.path.getsize(page), "ready_ms": round(ready),
                          "thumbnails_ms": thumbs and round(thumbs), "frame_ms": round(frame, 1),
                          "driver_wall_s": round(wall, 2),
                          "console_errors": len(severe)}))
        if hover is not None:
            x, y = driver.execute_script("return window.latentMap.toScreen(arguments[0])", hover)
            move = ActionChains(driver)
            move.w3c_actions.pointer_action.move_to_location(int(round(x)), int(round(y)))
            move.perform()
            time.sleep(0.3)
        if screenshot:
            driver.save_screenshot(screenshot)
    finally:
        driver.quit()


def make_million(directory, n=1_000_000):
    """`n` points in ten Gaussian blobs on a ring (float32 .npy) and their labels, one a line."""
    import array
    import math
    rng = random.Random(1)
    xy, labels = array.array("f"), []
    for _ in range(n):
        k = rng.randrange(10)
        a = 2 * math.pi * k / 10
        xy.append(40 * math.cos(a) + rng.gauss(0, 6))
        xy.append(40 * math.sin(a) + rng.gauss(0, 6))
        labels.append(k)
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 2), }" % n
    header += " " * ((64 - (len(header) + 11) % 64) % 64) + "\n"
    with open(os.path.join(directory, "million.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + xy.tobytes())
    with open(os.path.join(directory, "million-labels.txt"), "w") as f:
        f.write("\n".join(map(str, labels)) + "\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--make-million":
        make_million(args[1])
        sys.exit(0)
    if args and args[0] == "--measure":
        page = args[1]
        shot = args[args.index("--screenshot") + 1] if "--screenshot" in args else None
        hover = int(args[args.index("--hover") + 1]) if "--hover" in args else None
        measure(page, shot, hover)
    else:
        sys.exit(0 if run_tests(args[0], args[1]) else 1)
