package io.klite.runtime.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's Chromium, headless, driven through its chromedriver with plain WebDriver: one window of 1400x1000, so
 * that screenshots have one width. Both binaries are given to Selenium, so Selenium Manager never looks for (or
 * downloads) a browser or driver; where one is missing, opening fails naming the Debian packages (the console's
 * tests are in the default suite: they fail rather than skip). The name {@value #OTHER_SITE} leads to 127.0.0.1 in
 * this browser only, for pages of "another site" served on this machine.
 *
 * <p>No chromedriver or Chromium outlives its test JVM where that can be helped: {@link #close} ends both; a JVM
 * that exits without closing (System.exit, SIGTERM, Ctrl+C) ends them in a shutdown hook; and the processes of each
 * open browser are written down in {@code target/console-browsers/}, so that the next {@link #open} ends those of a
 * JVM killed outright (SIGKILL, where no hook runs) by their ids, once it has checked that each is still a
 * chromedriver or Chromium.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where Debian's /usr/bin/chromium (a shell script) runs Chromium from. */
    private static final String CHROMIUM_PROGRAMS = "/usr/lib/chromium/";
    /** A host name this browser resolves to 127.0.0.1: a page of another site, on this machine. */
    static final String OTHER_SITE = "evil.example";
    /** How long a view may take to show its data, or a change to show in the page. */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path PROCESSES = Path.of(System.getProperty("basedir", ".")).resolve("target/console-browsers");
    private static final AtomicInteger OPENED = new AtomicInteger();

    /**
     * Selenium warns at each start that it has no DevTools module for this Chromium: the tests use plain WebDriver
     * only, and leave the DevTools modules out. Held here, so that the setting is not collected with the logger.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Thread shutdownHook = new Thread(this::quit, "browser-shutdown");
    private final Path processes;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path processes) {
        this.service = service;
        this.driver = driver;
        this.processes = processes;
    }

    /** Starts chromedriver and a headless Chromium window. */
    public static Browser open() throws IOException {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("The web console's browser tests need Chromium and its chromedriver,"
                        + " and " + binary + " is missing: install Debian's packages chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver, as .ci/run does)");
            }
        }
        endThoseOfKilledJvms();
        Set<Long> before = browserProcesses().map(ProcessHandle::pid).collect(Collectors.toSet());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--lang=en-US",
                "--host-resolver-rules=MAP " + OTHER_SITE + " 127.0.0.1");
        Browser browser;
        try {
            Path processes = PROCESSES.resolve(ProcessHandle.current().pid() + "-" + OPENED.incrementAndGet());
            browser = new Browser(service, new ChromeDriver(service, options), processes);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(browser.shutdownHook);
        browser.writeDownProcesses(before);
        return browser;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Loads a URL as typed into the address bar (a new document, not a hash change). */
    public void load(String url) {
        driver.get(url);
    }

    /**
     * Waits until the page shows view {@code view} ({@code body[data-view]}) with its data rendered
     * ({@code main#view[data-loaded="true"]}).
     */
    public void waitForView(String view) {
        until("view '" + view + "' loaded", d -> shows(view));
    }

    /** Whether the page shows view {@code view} with its data rendered. */
    public boolean shows(String view) {
        return view.equals(find("body").getAttribute("data-view"))
               && "true".equals(find("main#view").getAttribute("data-loaded"));
    }

    /** Waits until an element matching {@code css} is in the page, and answers it. */
    public WebElement waitFor(String css) {
        return until("an element " + css, d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /** Waits until {@code condition} answers true or non-null, failing with {@code what} after {@link #WAIT}. */
    public <T> T until(String what, ExpectedCondition<T> condition) {
        // a live view replaces its elements as it refreshes: an element found may be gone a moment later
        return new WebDriverWait(driver, WAIT).withMessage(() -> what + "; the page shows: " + pageState())
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The visible text of the first element matching {@code css}; found again where a live view's refresh replaced
     * it between the finding and the reading.
     */
    public String text(String css) {
        for (int tries = 1; ; tries++) {
            try {
                return find(css).getText();
            } catch (StaleElementReferenceException e) {
                if (tries == 3) {
                    throw e;
                }
            }
        }
    }

    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** Writes the window as {@code target/console-screenshots/<name>.png} and answers its path. */
    public Path screenshot(String name) {
        try {
            Path folder = Path.of(System.getProperty("basedir", ".")).resolve("target/console-screenshots");
            Files.createDirectories(folder);
            return Files.write(folder.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a failed wait reports: the URL, view, loaded flag, error and the start of the view's text. */
    private String pageState() {
        try {
            String text = driver.findElement(By.tagName("body")).getText();
            return driver.getCurrentUrl() + " data-view=" + script("return document.body.dataset.view")
                    + " data-loaded=" + script("var v = document.querySelector('main#view');"
                                               + " return v && v.getAttribute('data-loaded')")
                    + " #error: " + script("var e = document.getElementById('error'); return e && e.textContent")
                    + " text: " + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
        } catch (RuntimeException e) {
            return driver.getCurrentUrl() + " (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook quits too, and quitting twice does no harm
        }
        quit();
    }

    private void quit() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try {
                Files.deleteIfExists(processes);
            } catch (IOException e) {
                // a later open checks each process it finds written down
            }
        }
    }

    /** Writes down this JVM's chromedriver and Chromium processes that this browser started. */
    private void writeDownProcesses(Set<Long> before) throws IOException {
        Files.createDirectories(PROCESSES);
        Files.write(processes, browserProcesses().map(ProcessHandle::pid).filter(pid -> !before.contains(pid))
                .map(String::valueOf).toList());
    }

    /** This JVM's descendants that are chromedriver or Chromium. */
    private static Stream<ProcessHandle> browserProcesses() {
        return ProcessHandle.current().descendants().filter(Browser::isBrowser);
    }

    private static boolean isBrowser(ProcessHandle process) {
        return process.info().command()
                .filter(command -> command.equals(CHROMEDRIVER.toString()) || command.startsWith(CHROMIUM_PROGRAMS))
                .isPresent();
    }

    /**
     * Ends the chromedriver and Chromium processes written down by a test JVM that no longer runs (killed before it
     * could close its browser), each only while it is still a chromedriver or Chromium, with its descendants.
     */
    private static void endThoseOfKilledJvms() throws IOException {
        if (!Files.isDirectory(PROCESSES)) {
            return;
        }
        try (Stream<Path> files = Files.list(PROCESSES)) {
            for (Path file : files.toList()) {
                long jvm = Long.parseLong(file.getFileName().toString().split("-")[0]);
                if (ProcessHandle.of(jvm).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // a JVM still running closes its own
                }
                // a process started after the file was written (and a start time read from /proc is not exact: 2 s) has only
                // been given a written-down id again
                Instant written = Files.getLastModifiedTime(file).toInstant().plusSeconds(2);
                for (String line : Files.readAllLines(file)) {
                    ProcessHandle.of(Long.parseLong(line.strip())).filter(Browser::isBrowser)
                            .filter(process -> process.info().startInstant().filter(t -> !t.isAfter(written))
                                    .isPresent())
                            .ifPresent(process -> {
                                process.descendants().filter(Browser::isBrowser)
                                        .forEach(ProcessHandle::destroyForcibly);
                                process.destroyForcibly();
                            });
                }
                Files.deleteIfExists(file);
            }
        }
    }
}
