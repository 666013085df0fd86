package io.klite.runtime.admin;

/**
 * The confirmation a topic's deletion needs, the topic's name again, as the HTTP API ({@code ?confirm=}) and the CLI
 * ({@code --confirm}) both ask for it, in one wording.
 */
public final class TopicDeletion {

    private TopicDeletion() {
    }

    /**
     * Why the deletion of {@code topic} is refused, ending with how to confirm it ({@code how} followed by the
     * topic's name, such as {@code "?confirm="}); null where {@code confirm} is the topic's name.
     */
    public static String unconfirmed(String topic, String confirm, String how) {
        if (topic.equals(confirm)) {
            return null;
        }
        return (confirm == null ? "Deleting topic '" + topic + "' needs a confirmation" : "The confirmation '"
                + confirm + "' is not the topic '" + topic + "'") + ": it deletes the topic's messages and every"
                + " group's offsets on it; add " + how + topic;
    }
}
