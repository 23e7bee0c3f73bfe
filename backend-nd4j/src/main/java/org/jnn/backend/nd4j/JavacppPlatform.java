package org.jnn.backend.nd4j;

import java.util.Locale;

/**
 * The JavaCPP platform name of a machine, as the {@code javacpp.platform} Maven property and the
 * native jars' classifier spell it ({@code linux-x86_64}, {@code macosx-arm64},
 * {@code windows-x86_64}), computed without loading JavaCPP, for the message that names the jar a
 * machine needs.
 */
final class JavacppPlatform {

    private JavacppPlatform() {
    }

    /** This machine's platform, or the one JavaCPP was told to use ({@code org.bytedeco.javacpp.platform}). */
    static String current() {
        String configured = System.getProperty("org.bytedeco.javacpp.platform");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** The platform of a machine with these {@code os.name} and {@code os.arch}. */
    static String of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String family = os.startsWith("mac") || os.startsWith("darwin") ? "macosx"
                : os.startsWith("windows") ? "windows"
                : os.startsWith("linux") ? "linux"
                : os.replaceAll("\\W", "");
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> arch;
        };
        return family + "-" + archName;
    }
}
