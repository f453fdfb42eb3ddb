package io.portcullis.lambda;

/**
 * A REST API method ARN, {@code arn:aws:execute-api:region:account:api/stage/VERB/path...}: the request's path
 * (a TOKEN authorizer has nothing else), and the ARN covering the whole API for cached policies.
 */
record MethodArn(String prefix, String api, String stage, String verb, String path) {
    static MethodArn parse(String arn) {
        if (arn == null) {
            throw new IllegalArgumentException("no method ARN");
        }
        int resourceStart = nthIndexOf(arn, ':', 5) + 1;
        if (resourceStart == 0) {
            throw new IllegalArgumentException("not a method ARN: " + arn);
        }
        String[] resource = arn.substring(resourceStart).split("/", 4);
        if (resource.length < 3) {
            throw new IllegalArgumentException("not a method ARN: " + arn);
        }
        return new MethodArn(arn.substring(0, resourceStart), resource[0], resource[1], resource[2],
                "/" + (resource.length == 4 ? resource[3] : ""));
    }

    /** {@code arn:…:api/stage/*}{@code /*}: what a cached Allow must cover, or other routes get stray 403s. */
    String wholeApi() {
        return prefix + api + "/" + stage + "/*/*";
    }

    private static int nthIndexOf(String text, char c, int n) {
        int index = -1;
        for (int i = 0; i < n; i++) {
            index = text.indexOf(c, index + 1);
            if (index < 0) {
                return -1;
            }
        }
        return index;
    }
}
