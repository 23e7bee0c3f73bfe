/**
 * Programs to copy: each {@code main} is a short, complete use of the library's public API
 * ({@code Backends}, {@code Network}, {@code Mnist}, {@code ModelFile}), without the command line.
 */
package org.jnn.examples;
