package io.livemig.bench; final class Placeholder {}
