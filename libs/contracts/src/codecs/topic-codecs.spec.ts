import { TopicName } from '../topics';
import { TOPIC_CODECS, codecOf } from './topic-codecs';

describe('TOPIC_CODECS', () => {
  it('has one codec per contract topic, for that topic', () => {
    expect(Object.keys(TOPIC_CODECS).sort()).toEqual(Object.values(TopicName).sort());
    for (const topic of Object.values(TopicName)) expect(codecOf(topic).topic).toBe(topic);
  });
});
