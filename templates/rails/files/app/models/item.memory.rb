# A sample resource kept in memory (this app has no database): the items live as long as the
# server process. It offers the part of the Active Record interface that ItemsController uses.
class Item
  include ActiveModel::Model
  include ActiveModel::Attributes
  include ActiveModel::Serializers::JSON

  class NotFound < StandardError; end

  attribute :id, :integer
  attribute :name, :string
  attribute :description, :string, default: ""
  attribute :created_at, :datetime
  attribute :updated_at, :datetime

  validates :name, presence: true, length: { maximum: 100 }
  validates :description, length: { maximum: 1000 }
  validates :name, :description, format: { without: /\u0000/, message: "must not contain the NUL character" }, allow_nil: true

  @store = {}
  @last_id = 0
  @lock = Mutex.new

  class << self
    def page(limit:, offset:)
      @lock.synchronize { @store.values.sort_by(&:id).drop(offset).first(limit).map(&:dup) }
    end

    def find(id)
      @lock.synchronize { @store.fetch(Integer(id, exception: false)) { raise NotFound }.dup }
    end

    def create!(attributes)
      new(attributes).tap { |item| item.save || raise(ArgumentError, item.errors.full_messages.to_sentence) }
    end

    def count
      @lock.synchronize { @store.size }
    end

    def delete_all
      @lock.synchronize { @store.clear }
    end

    def store(item)
      @lock.synchronize do
        item.id ||= (@last_id += 1)
        @store[item.id] = item.dup
      end
    end

    def remove(id)
      @lock.synchronize { @store.delete(id) }
    end
  end

  # Stored trimmed, as the Active Record model normalizes it.
  def name=(value)
    super(value.is_a?(String) ? value.strip : value)
  end

  def save
    return false unless valid?

    now = Time.current
    self.created_at ||= now
    self.updated_at = now
    self.class.store(self)
    true
  end

  # Like Active Record: an update that changes nothing stores nothing (updated_at stays).
  def update(new_attributes)
    before = attributes
    assign_attributes(new_attributes)
    return valid? if attributes == before

    save
  end

  def destroy!
    self.class.remove(id)
    self
  end

  def persisted?
    id.present?
  end
end
